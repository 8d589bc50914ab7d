package io.wsgrid.e2e;

import java.io.IOException;
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

import static io.wsgrid.e2e.AppConfig.ROOT;
import static org.awaitility.Awaitility.await;

/** A built app ({@code ws-node/target/ws-node.jar}, {@code gateway/target/gateway.jar}) run as its own process. */
final class JarProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int httpPort;
    private final Path log;

    private JarProcess(String name, Process process, int httpPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * Starts {@code module}'s jar with {@code --server.port=httpPort} and the given arguments, logging to
     * {@code logDir/name.log} (kept after the test, for when it fails); does not wait.
     */
    static JarProcess launch(Path logDir, String module, String name, int httpPort, String... args) throws IOException {
        Path jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the build from the root (./mvnw verify)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString(), "--server.port=" + httpPort));
        command.addAll(List.of(args));
        Path log = Files.createDirectories(logDir).resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new JarProcess(name, process, httpPort, log);
    }

    /** Waits until the app's readiness probe answers 200; fails with its log when it exits first. */
    JarProcess awaitReady() throws IOException {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> !process.isAlive() || HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited during startup: " + Files.readString(log));
        }
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** host:port as a Prometheus target. */
    String target() {
        return "127.0.0.1:" + httpPort;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
}
