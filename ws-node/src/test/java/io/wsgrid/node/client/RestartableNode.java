package io.wsgrid.node.client;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wsgrid.node.NodeApplication;
import io.wsgrid.node.support.Rest;

import static org.awaitility.Awaitility.await;

/**
 * A node in its own JVM on a fixed port, so it can be stopped (SIGTERM: a graceful shutdown, sessions closed with
 * 1001) and started again on the same port. In-JVM nodes cannot do this next to others: closing one Spring context
 * disposes Reactor Netty's global event loops, which the other nodes of the JVM share.
 */
final class RestartableNode implements AutoCloseable {

    private final int port;
    private final List<String> properties;
    private Process process;

    RestartableNode(int port, List<String> properties) {
        this.port = port;
        this.properties = properties;
    }

    RestartableNode start() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                NodeApplication.class.getName(), "--server.port=" + port));
        properties.forEach(p -> command.add("--" + p));
        File log = Files.createTempFile("ws-node-" + port, ".log").toFile();
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        Rest rest = new Rest(port);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> !process.isAlive() || rest.get("/actuator/health/readiness").status() == 200);
        if (!process.isAlive()) {
            throw new IllegalStateException("node process exited: " + Files.readString(log.toPath()));
        }
        return this;
    }

    /** A graceful stop (SIGTERM), waited for. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
