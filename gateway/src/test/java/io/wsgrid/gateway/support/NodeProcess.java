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
 * A real ws-node process ({@code ws-node/target/ws-node.jar}, built earlier in the reactor) as a gateway backend:
 * it can be killed without warning like a crashed pod.
 */
public final class NodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final int port;
    private final String id;
    private final Path log;

    private NodeProcess(Process process, int port, String id, Path log) {
        this.process = process;
        this.port = port;
        this.id = id;
        this.log = log;
    }

    public static NodeProcess start(String id, String... extraArgs) throws IOException {
        return launch(id, extraArgs).awaitReady();
    }

    /** Starts the nodes side by side (a JVM start is mostly waiting) and returns when all are ready. */
    public static List<NodeProcess> startAll(List<String> ids, String... extraArgs) throws IOException {
        List<NodeProcess> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(launch(id, extraArgs));
        }
        try {
            for (NodeProcess node : nodes) {
                node.awaitReady();
            }
        } catch (RuntimeException | IOException e) {
            // The caller never gets the list, so nobody else would stop these JVMs.
            for (NodeProcess node : nodes) {
                node.process.destroyForcibly();
            }
            throw e;
        }
        return nodes;
    }

    /**
     * Starts the nodes as a cluster on the Redis bus, under a key prefix of their own so that test classes sharing the
     * local Redis never see each other's presence or messages.
     */
    public static List<NodeProcess> startRedisCluster(List<String> ids, String... extraArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--wsgrid.cluster.bus=redis",
                "--wsgrid.cluster.redis.prefix=wsgrid-test-" + Long.toHexString(System.nanoTime())));
        args.addAll(List.of(extraArgs));
        return startAll(ids, args.toArray(String[]::new));
    }

    /** The nodes as the gateway's {@code wsgrid.gateway.backends} value. */
    public static String backends(List<NodeProcess> nodes) {
        return String.join(",", nodes.stream().map(NodeProcess::url).toList());
    }

    public static void closeAll(List<NodeProcess> nodes) throws InterruptedException {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    private static NodeProcess launch(String id, String... extraArgs) throws IOException {
        Path jar = Path.of(System.getProperty("user.dir")).resolveSibling("ws-node").resolve("target/ws-node.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the ws-node module first (./mvnw package)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port,
                "--wsgrid.node.id=" + id, "--wsgrid.auth.mode=none", "--wsgrid.node.warmup.requests=0"));
        command.addAll(List.of(extraArgs));
        File log = Files.createTempFile("gateway-test-" + id, ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        return new NodeProcess(process, port, id, log.toPath());
    }

    private NodeProcess awaitReady() throws IOException {
        // A generous bound: on a 2-core machine shared with other builds a node start has been seen to take 160 s.
        await().atMost(Duration.ofSeconds(300)).ignoreExceptions().until(() -> !process.isAlive() || ready());
        if (!process.isAlive()) {
            throw new IllegalStateException("ws-node " + id + " exited: " + Files.readString(log));
        }
        return this;
    }

    private boolean ready() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The backend id the gateway gives this node. */
    public String backendId() {
        return "127.0.0.1:" + port;
    }

    public String id() {
        return id;
    }

    /** SIGKILL: no close frames, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
