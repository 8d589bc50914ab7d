package io.wsgrid.node.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.wsgrid.client.Backoff;
import io.wsgrid.client.WsGridClient;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeApplication;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The ws-client library and CLI against a real node. */
class ClientLibraryIT {

    private static ConfigurableApplicationContext node(int port, String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--server.port=" + port;
        args[1] = "--wsgrid.node.shutdown.drain-window=100ms";
        System.arraycopy(extra, 0, args, 2, extra.length);
        return new SpringApplicationBuilder(NodeApplication.class).run(args);
    }

    @Test
    void theClientReconnectsAfterTheServerRestartsAndRejoinsItsGroups() throws Exception {
        int port = Nodes.freePort();
        ConfigurableApplicationContext node = node(port, "--wsgrid.auth.mode=none");
        List<ServerMessage.Connected> sessions = new CopyOnWriteArrayList<>();
        List<ServerMessage.Delivery> messages = new CopyOnWriteArrayList<>();
        List<Integer> closes = new CopyOnWriteArrayList<>();
        try (WsGridClient client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:" + port + "/ws")).user("phoenix")
                .backoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .onConnected(sessions::add).onMessage(messages::add).onClose((code, reason, again) -> closes.add(code)).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            client.join("survivors").get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> new Rest(port).get("/api/v1/groups/survivors").body().contains("phoenix"));

            node.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> closes.contains(1001));
            node = node(port, "--wsgrid.auth.mode=none");

            await().atMost(Duration.ofSeconds(15)).until(() -> sessions.size() == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> new Rest(port).get("/api/v1/groups/survivors").body().contains("phoenix"));
            new Rest(port).post("/api/v1/groups/survivors/messages", "{\"data\":\"welcome back\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> !messages.isEmpty());
            assertThat(messages.getFirst().data().json()).isEqualTo("\"welcome back\"");
            assertThat(client.ping().get(5, TimeUnit.SECONDS)).isPositive();
        }
        finally {
            node.close();
        }
    }

    @Test
    void theClientGivesUpOn4001() throws Exception {
        int port = Nodes.freePort();
        try (ConfigurableApplicationContext node = node(port, "--wsgrid.auth.mode=jwt",
                "--wsgrid.auth.tenants.default.jwt-secret=0123456789abcdef0123456789abcdef", "--wsgrid.auth.tenants.default.api-key=k")) {
            List<Integer> closes = new CopyOnWriteArrayList<>();
            List<Boolean> retried = new CopyOnWriteArrayList<>();
            try (WsGridClient client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:" + port + "/ws")).token("not.a.jwt")
                    .backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(100)))
                    .onClose((code, reason, again) -> {
                        closes.add(code);
                        retried.add(again);
                    }).build()) {
                assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS)).hasMessageContaining("4001");
                assertThat(closes).containsExactly(4001);
                assertThat(retried).containsExactly(false);
                assertThat(client.isConnected()).isFalse();
            }
        }
    }

    /** Runs scheduled tasks at once (virtual time) and records the delays the client asked for. */
    static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Long> delaysNanos = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delaysNanos.add(unit.toNanos(delay));
            return super.schedule(command, 0, unit);
        }

        /** Plain hand-offs are not timers: run them without recording (the JDK routes execute through schedule). */
        @Override
        public void execute(Runnable command) {
            super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }
    }

    @Test
    void reconnectDelaysFollowTheBackoffWithAnInjectedClock() throws Exception {
        int closedPort = Nodes.freePort();
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        RecordingScheduler scheduler = new RecordingScheduler();
        try (WsGridClient client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:" + closedPort + "/ws")).user("u")
                .backoff(backoff).events(scheduler).random(new SplittableRandom(99)).build()) {
            CompletableFuture<ServerMessage.Connected> connect = client.connect();
            await().atMost(Duration.ofSeconds(20)).until(() -> scheduler.delaysNanos.size() >= 8);
            assertThat(connect).isNotDone();
        }
        SplittableRandom same = new SplittableRandom(99);
        for (int attempt = 0; attempt < 8; attempt++) {
            assertThat(scheduler.delaysNanos.get(attempt)).as("delay before retry %d", attempt).isEqualTo(backoff.delay(attempt, same).toNanos());
        }
        scheduler.shutdownNow();
    }

    @Test
    void theCliPrintsAMessageSentThroughRest() throws Exception {
        Path cli = Path.of(System.getProperty("user.dir")).resolveSibling("ws-client").resolve("target/ws-client.jar");
        assertThat(cli).as("ws-client is built before ws-node").exists();
        int port = Nodes.freePort();
        try (ConfigurableApplicationContext node = node(port, "--wsgrid.auth.mode=none")) {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", cli.toString(),
                    "connect", "--url", "ws://127.0.0.1:" + port + "/ws", "--user", "cli-user").redirectErrorStream(false).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                assertThat(out.readLine()).startsWith("{\"type\":\"connected\"").contains("\"user\":\"cli-user\"");
                new Rest(port).post("/api/v1/users/cli-user/messages", "{\"data\":{\"hello\":\"cli\"}}");
                assertThat(out.readLine()).startsWith("{\"type\":\"message\"").contains("\"data\":{\"hello\":\"cli\"}");
            }
            finally {
                process.destroyForcibly();
            }
        }
        assertThat(Files.exists(cli)).isTrue();
    }

    @Test
    void publishingWithoutAConnectionFailsClearly() {
        WsGridClient client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:1/ws")).user("x").reconnect(false).build();
        assertThatThrownBy(() -> client.publish("g", RawJson.of("1")).get()).hasMessageContaining("not connected");
        client.close();
    }
}
