package io.wsgrid.gateway.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real gateway process ({@code gateway/target/gateway.jar}, built by the package phase before failsafe runs): for
 * tests of several replicas, which one JVM with one Spring context cannot be. Admin password {@code test-secret}.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final int adminPort;
    private final int dataPort;
    private final String id;
    private final Path log;

    private GatewayProcess(Process process, int adminPort, int dataPort, String id, Path log) {
        this.process = process;
        this.adminPort = adminPort;
        this.dataPort = dataPort;
        this.id = id;
        this.log = log;
    }

    /** Starts the gateways side by side and returns when all are ready. */
    public static List<GatewayProcess> startAll(List<String> ids, String... extraArgs) throws IOException {
        List<GatewayProcess> gateways = new ArrayList<>();
        for (String id : ids) {
            gateways.add(launch(id, extraArgs));
        }
        try {
            for (GatewayProcess g : gateways) {
                g.awaitReady();
            }
        }
        catch (RuntimeException | IOException e) {
            // The caller never gets the list, so it cannot stop them: no process may outlive a failed start.
            for (GatewayProcess g : gateways) {
                g.process.destroyForcibly();
            }
            throw e;
        }
        return gateways;
    }

    private static GatewayProcess launch(String id, String... extraArgs) throws IOException {
        Path jar = Path.of(System.getProperty("user.dir")).resolve("target/gateway.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the gateway's package phase first (./mvnw verify does)");
        }
        int admin = freePort();
        int data = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + admin,
                "--wsgrid.gateway.port=" + data, "--wsgrid.gateway.replica.id=" + id, "--wsgrid.admin.password=test-secret"));
        command.addAll(List.of(extraArgs));
        File log = Files.createTempFile("gateway-test-" + id, ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        return new GatewayProcess(process, admin, data, id, log.toPath());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private GatewayProcess awaitReady() throws IOException {
        await().atMost(Duration.ofSeconds(240)).ignoreExceptions().until(() -> !process.isAlive() || ready());
        if (!process.isAlive()) {
            throw new IllegalStateException("gateway " + id + " exited: " + Files.readString(log));
        }
        return this;
    }

    private boolean ready() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    public int adminPort() {
        return adminPort;
    }

    public int dataPort() {
        return dataPort;
    }

    public String id() {
        return id;
    }

    /** The process's output so far, for failure messages. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
