package io.wsgrid.node.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.TcpProxy;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes on the RabbitMQ bus, RabbitMQ reached through a {@link TcpProxy} the test can cut, Redis direct. Counts
 * what every session receives over raw sockets (no client-side dedupe hides a server duplicate): a user message
 * reaches each of the user's sessions once although the fanout brings it to every node, and group messages sent
 * while the bus is cut reach every session exactly once after it comes back (from history, which the cut did not
 * touch).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitFaultsIT {

    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

    private final Nodes nodes = new Nodes();
    private TcpProxy rabbit;
    private final int[] ports = new int[3];

    @BeforeAll
    void start() throws Exception {
        Services.requireRedis();
        Services.requireRabbitMq();
        rabbit = new TcpProxy(5672);
        String name = Nodes.uniqueName("rabbit-faults");
        String[] ids = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            List<String> properties = new ArrayList<>(Nodes.clusterProperties("rabbitmq", name, ids[i]));
            properties.add("spring.rabbitmq.port=" + rabbit.port());
            // The promise holds as long as history holds the messages: keep all of a test's group traffic, so that
            // what the bus lost is in history however long RabbitMQ takes to restart the consumers.
            properties.add("wsgrid.history.size=10000");
            ports[i] = nodes.start(properties);
        }
    }

    @AfterAll
    void stop() throws Exception {
        nodes.close();
        if (rabbit != null) {
            rabbit.close();
        }
    }

    @BeforeEach
    void busUp() {
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(30)).until(() -> new Rest(port).get("/actuator/health").status() == 200);
        }
    }

    private WsClient session(int port, String user) {
        return WsClient.connected("ws://127.0.0.1:" + port + "/ws?user_id=" + user);
    }

    @Test
    void aUserMessageReachesEachSessionOnOtherNodesOnce() throws Exception {
        String user = "twice-" + System.nanoTime();
        try (WsClient onB = session(ports[1], user); WsClient onC = session(ports[2], user)) {
            Rest viaA = new Rest(ports[0]);
            for (int i = 1; i <= 20; i++) {
                assertThat(viaA.post("/api/v1/users/" + user + "/messages", "{\"data\":" + i + "}").status()).isEqualTo(202);
            }
            Frames b = new Frames(onB);
            Frames c = new Frames(onC);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.collect().hasAllUpTo(20) && c.collect().hasAllUpTo(20));
            // Anything doubled would arrive right behind the originals; give it that chance before counting.
            assertThat(onB.receivesWithin(300) || onC.receivesWithin(300)).as("a frame after the 20 deliveries").isFalse();
            b.collect();
            c.collect();
            System.out.printf("FAULT rabbit-user-fanout sends=20 sessionB=%d sessionC=%d duplicates=%d%n",
                    b.offsets().size(), c.offsets().size(), b.duplicates() + c.duplicates());
            assertThat(b.offsets()).as("deliveries on node b").hasSize(20).doesNotHaveDuplicates();
            assertThat(c.offsets()).as("deliveries on node c").hasSize(20).doesNotHaveDuplicates();
        }
    }

    @Test
    void groupMessagesSentWhileTheBusIsCutReachEverySessionOnceAfterItHeals() throws Exception {
        String group = "hiccup-" + System.nanoTime();
        List<WsClient> clients = new ArrayList<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient client = session(ports[i], "member" + i + "-" + group);
                client.send("{\"type\":\"join\",\"group\":\"" + group + "\"}");
                client.expect(ServerMessage.Joined.class);
                clients.add(client);
            }
            List<Frames> frames = clients.stream().map(Frames::new).toList();
            Rest viaA = new Rest(ports[0]);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicLong top = new AtomicLong();
            List<CompletableFuture<?>> calls = new CopyOnWriteArrayList<>();
            ScheduledFuture<?> pacing = pacer.scheduleAtFixedRate(() -> {
                int n = sent.incrementAndGet();
                calls.add(viaA.postAsync("/api/v1/groups/" + group + "/messages", "{\"data\":" + n + "}").handle((r, e) -> {
                    if (e == null && r.status() == 202) {
                        Matcher m = OFFSET.matcher(r.body());
                        if (m.find()) {
                            top.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
                        }
                    }
                    else {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }, 0, 10, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 100);
            rabbit.cut();
            long cutAt = System.nanoTime();
            int sentAtCut = sent.get();
            // The outage lasts until about 2 s of traffic went out, and until a node has seen its bus down.
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= sentAtCut + 200
                    && new Rest(ports[1]).get("/actuator/health").status() == 503);
            rabbit.restore();
            long restoredAt = System.nanoTime();
            long cutMillis = TimeUnit.NANOSECONDS.toMillis(restoredAt - cutAt);
            long topAtRestore = top.get();

            long healMillis = -1;
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> frames.stream().allMatch(f -> f.collect().hasAllUpTo(topAtRestore)));
                healMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt);
            }
            catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below with the counts
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= sentAtCut + 400);
            pacing.cancel(false);
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            long last = top.get();
            boolean complete = true;
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                        .until(() -> frames.stream().allMatch(f -> f.collect().hasAllUpTo(last)));
            }
            catch (org.awaitility.core.ConditionTimeoutException e) {
                complete = false;
            }
            assertThat(clients.getFirst().receivesWithin(300)).as("a frame after the last offset").isFalse();
            frames.forEach(Frames::collect);
            System.out.printf("FAULT rabbit-bus-cut groupSends=%d accepted=%d refused=%d sessions=3 received=%s missing=%s duplicates=%s "
                    + "cutMs=%d healAfterRestoreMs=%d%n", sent.get(), last, refused.get(),
                    frames.stream().map(f -> f.offsets().size()).toList(), frames.stream().map(f -> f.missingUpTo(last).size()).toList(),
                    frames.stream().map(Frames::duplicates).toList(), cutMillis, healMillis);
            assertThat(healMillis).as("time until every session had what was accepted before the bus came back").isNotNegative();
            assertThat(complete).as("every session got every accepted group message").isTrue();
            assertThat(refused.get()).as("group sends refused while only the bus was down").isZero();
            for (Frames f : frames) {
                assertThat(f.offsets()).as("offsets of one session, in order, once each")
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
            }
        }
        finally {
            pacer.shutdownNow();
            clients.forEach(WsClient::close);
        }
    }
}
