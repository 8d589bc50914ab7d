package io.wsgrid.node.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.wsgrid.node.NodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/** Starts ws-nodes for cluster tests: as Spring contexts in this JVM, or as real processes that can be killed. */
public final class Nodes implements AutoCloseable {

    // Synchronized: a test may start several nodes at once, from several threads.
    private final List<ConfigurableApplicationContext> contexts = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Process> processes = java.util.Collections.synchronizedList(new ArrayList<>());

    /** A unique Redis prefix / RabbitMQ exchange per test, so tests never see each other's clusters. */
    public static String uniqueName(String test) {
        return "wsgrid-test-" + test + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
    }

    /** Common properties of a clustered test node: fast heartbeats so death is noticed within seconds. */
    public static List<String> clusterProperties(String bus, String name, String nodeId) {
        return List.of("wsgrid.auth.mode=none", "wsgrid.node.id=" + nodeId, "wsgrid.cluster.bus=" + bus,
                "wsgrid.cluster.redis.prefix=" + name, "wsgrid.cluster.rabbitmq.exchange=" + name,
                "wsgrid.cluster.redis.heartbeat-interval=300ms", "wsgrid.cluster.redis.node-ttl=2s",
                "wsgrid.node.shutdown.drain-window=100ms");
    }

    /** Starts a node in this JVM; returns its port. */
    public int start(List<String> properties) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        properties.forEach(p -> args.add("--" + p));
        // Command-line arguments, not builder properties: those are defaults and application.yml would win.
        // Each node runs on event loops of its own (ServerTransport), as a process does.
        ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class).run(args.toArray(String[]::new));
        contexts.add(context);
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Starts a node as a separate JVM on this test's classpath; returns its port once it is ready. */
    public Started startProcess(List<String> properties) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                NodeApplication.class.getName(), "--server.port=" + port));
        properties.forEach(p -> command.add("--" + p));
        File log = Files.createTempFile("ws-node-" + port, ".log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        processes.add(process);
        Rest rest = new Rest(port).withTimeout(Duration.ofSeconds(2));
        // A loaded machine (CI runners, parallel builds) can take a minute to start a Spring Boot JVM.
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> !process.isAlive() || rest.get("/actuator/health/readiness").status() == 200);
        if (!process.isAlive()) {
            throw new IllegalStateException("node process exited: " + Files.readString(log.toPath()));
        }
        return new Started(port, process);
    }

    public record Started(int port, Process process) {
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
