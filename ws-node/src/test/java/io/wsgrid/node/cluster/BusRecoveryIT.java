package io.wsgrid.node.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.TcpProxy;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis, then RabbitMQ, go away during steady traffic and come back: nodes report the bus DOWN, count what they could
 * not publish, and carry traffic again without a restart.
 */
class BusRecoveryIT {

    @Test
    void nodesRecoverFromARedisRestart() throws Exception {
        Path redisServer = Path.of("/usr/bin/redis-server");
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!Files.isExecutable(redisServer) && !ci) {
            System.err.println("SKIPPED: no redis-server binary to run a private Redis for the restart test");
        }
        assumeTrue(ci || Files.isExecutable(redisServer), "redis-server binary");
        int redisPort = Nodes.freePort();
        Process redis = startRedis(redisServer, redisPort);
        try (Nodes nodes = new Nodes()) {
            String name = Nodes.uniqueName("redis-restart");
            List<String> extra = List.of("spring.data.redis.port=" + redisPort);
            int a = nodes.start(with(Nodes.clusterProperties("redis", name, "a"), extra));
            int b = nodes.start(with(Nodes.clusterProperties("redis", name, "b"), extra));
            try (WsClient erin = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=erin");
                    Traffic traffic = new Traffic(new Rest(b), "erin")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> erin.receivesWithin(500));

                redis.destroyForcibly().waitFor();
                await().atMost(Duration.ofSeconds(10)).until(() -> new Rest(b).get("/actuator/health").status() == 503);

                redis = startRedis(redisServer, redisPort);
                await().atMost(Duration.ofSeconds(20)).until(() -> new Rest(b).get("/actuator/health").status() == 200);
                // Presence was lost with the restart (no persistence); node a writes it again on its next heartbeat.
                await().atMost(Duration.ofSeconds(20)).until(() -> new Rest(b).get("/api/v1/users/erin").body().contains("\"nodes\":[\"a\"]"));
                erin.drainRaw();
                int before = traffic.sent.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> traffic.sent.get() > before + 5 && erin.receivesWithin(500));
                // While Redis was down no send was accepted: each was answered 503, never a 202 that could be lost.
                assertThat(traffic.refused.get()).isPositive();
            }
        }
        finally {
            redis.destroyForcibly();
        }
    }

    @Test
    void nodesRecoverFromARabbitMqOutage() throws Exception {
        Services.requireRedis();
        Services.requireRabbitMq();
        try (Nodes nodes = new Nodes(); TcpProxy rabbit = new TcpProxy(5672)) {
            String name = Nodes.uniqueName("rabbit-outage");
            List<String> extra = List.of("spring.rabbitmq.port=" + rabbit.port());
            int a = nodes.start(with(Nodes.clusterProperties("rabbitmq", name, "a"), extra));
            int b = nodes.start(with(Nodes.clusterProperties("rabbitmq", name, "b"), extra));
            await().atMost(Duration.ofSeconds(20)).until(() -> new Rest(a).get("/actuator/health").status() == 200);
            try (WsClient finn = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=finn");
                    Traffic traffic = new Traffic(new Rest(b), "finn")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> finn.receivesWithin(500));

                rabbit.cut();
                await().atMost(Duration.ofSeconds(15)).until(() -> new Rest(b).get("/actuator/health").status() == 503);
                rabbit.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> new Rest(b).get("/actuator/health").status() == 200
                        && new Rest(a).get("/actuator/health").status() == 200);
                finn.drainRaw();
                await().atMost(Duration.ofSeconds(20)).until(() -> finn.receivesWithin(500));
                // Redis stayed up, so sends were accepted; the bus outage shows as failed publishes.
                assertThat(new Rest(b).get("/actuator/prometheus").body()).containsPattern("wsgrid_bus_publish_failures_total\\{[^}]*\\} [1-9]");
                assertThat(traffic.sent.get()).isPositive();
            }
        }
    }

    private static List<String> with(List<String> base, List<String> extra) {
        List<String> all = new ArrayList<>(base);
        all.addAll(extra);
        return all;
    }

    private static Process startRedis(Path binary, int port) throws IOException {
        Process p = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Services.reachable(port));
        return p;
    }

    /** Sends a message to {@code user} through {@code rest} every 20 ms until closed. */
    private static final class Traffic implements AutoCloseable {
        final AtomicInteger sent = new AtomicInteger();
        /** Sends answered 503: not accepted, because history (Redis) could not store them. */
        final AtomicInteger refused = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Traffic(Rest rest, String user) {
            thread = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        if (rest.post("/api/v1/users/" + user + "/messages", "{\"data\":" + sent.incrementAndGet() + "}").status() == 503) {
                            refused.incrementAndGet();
                        }
                        TimeUnit.MILLISECONDS.sleep(20);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                    catch (RuntimeException e) {
                        // the node may answer errors during the outage; keep going
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(5000);
        }
    }
}
