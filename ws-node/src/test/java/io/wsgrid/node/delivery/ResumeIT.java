package io.wsgrid.node.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume over real sockets, on a standalone node and on two Redis-bus nodes (the client resumes on the other node,
 * as after a failover): what a client missed is replayed exactly once and in order, merged with the offline queue
 * and with live traffic, and a stream whose history it cannot get is reported {@code false}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeIT {

    private final Nodes nodes = new Nodes();
    private int standalone;
    private int clusterA;
    private int clusterB;

    @BeforeAll
    void start() {
        standalone = nodes.start(List.of("wsgrid.auth.mode=none", "wsgrid.node.id=solo"));
        Services.requireRedis();
        String name = Nodes.uniqueName("resume");
        clusterA = nodes.start(Nodes.clusterProperties("redis", name, "a"));
        clusterB = nodes.start(Nodes.clusterProperties("redis", name, "b"));
    }

    @AfterAll
    void stop() {
        nodes.close();
    }

    /** Where the client first connects and where it resumes. */
    private int[] ports(String mode) {
        return mode.equals("standalone") ? new int[] {standalone, standalone} : new int[] {clusterA, clusterB};
    }

    private static String unique(String user) {
        return user + "-" + System.nanoTime();
    }

    private static WsClient resume(int port, String user, String resumeFrame) {
        WsClient client = WsClient.connect("ws://127.0.0.1:" + port + "/ws?user_id=" + user + "&resume=1");
        client.expect(ServerMessage.Connected.class);
        client.send(resumeFrame);
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "cluster"})
    void missedUserMessagesAreReplayedOnceAndInOrderTogetherWithTheQueue(String mode) throws Exception {
        int[] port = ports(mode);
        String user = unique("alice");
        Rest rest = new Rest(port[0]);
        StreamPosition seen;
        try (WsClient first = WsClient.connect("ws://127.0.0.1:" + port[0] + "/ws?user_id=" + user)) {
            StreamPosition top = first.expect(ServerMessage.Connected.class).top();
            assertThat(top.offset()).isZero();
            for (int i = 1; i <= 3; i++) {
                assertThat(rest.post("/api/v1/users/" + user + "/messages", "{\"data\":" + i + "}").body()).contains("\"offset\":" + i);
            }
            seen = first.expect(Delivery.class).position();
            assertThat(seen).isEqualTo(new StreamPosition(1, top.epoch()));
        }
        // Offline now: these two are queued as well as kept in history; the replay must not send them twice.
        new Rest(port[1]).post("/api/v1/users/" + user + "/messages", "{\"data\":4}");
        rest.post("/api/v1/users/" + user + "/messages", "{\"data\":5}");

        try (WsClient again = resume(port[1], user, "{\"type\":\"resume\",\"offset\":1,\"epoch\":\"" + seen.epoch() + "\"}")) {
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                offsets.add(again.expect(Delivery.class).position().offset());
            }
            assertThat(offsets).containsExactly(2L, 3L, 4L, 5L);
            assertThat(again.expect(ServerMessage.Resumed.class).recovered()).isTrue();
            rest.post("/api/v1/users/" + user + "/messages", "{\"data\":6}");
            assertThat(again.expect(Delivery.class).position().offset()).isEqualTo(6);
            assertThat(again.receivesWithin(300)).as("a duplicate").isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "cluster"})
    void groupsAreRejoinedAndTheirMissedMessagesReplayed(String mode) throws Exception {
        int[] port = ports(mode);
        String user = unique("bob");
        String group = unique("room");
        Rest rest = new Rest(port[0]);
        StreamPosition seen;
        try (WsClient first = WsClient.connected("ws://127.0.0.1:" + port[0] + "/ws?user_id=" + user)) {
            first.send("{\"type\":\"join\",\"group\":\"" + group + "\"}");
            StreamPosition top = first.expect(ServerMessage.Joined.class).top();
            assertThat(top.offset()).isZero();
            rest.post("/api/v1/groups/" + group + "/messages", "{\"data\":\"a\"}");
            seen = first.expect(Delivery.class).position();
        }
        rest.post("/api/v1/groups/" + group + "/messages", "{\"data\":\"b\"}");
        rest.post("/api/v1/groups/" + group + "/messages", "{\"data\":\"c\"}");
        String frame = "{\"type\":\"resume\",\"groups\":{\"" + group + "\":{\"offset\":" + seen.offset() + ",\"epoch\":\"" + seen.epoch() + "\"}}}";
        try (WsClient again = resume(port[1], user, frame)) {
            assertThat(again.expect(Delivery.class).data().json()).isEqualTo("\"b\"");
            assertThat(again.expect(Delivery.class).data().json()).isEqualTo("\"c\"");
            ServerMessage.Resumed resumed = again.expect(ServerMessage.Resumed.class);
            assertThat(resumed.groups()).containsEntry(group, true);
            rest.post("/api/v1/groups/" + group + "/messages", "{\"data\":\"d\"}");
            Delivery live = again.expect(Delivery.class);
            assertThat(live.data().json()).isEqualTo("\"d\"");
            assertThat(live.position().offset()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "cluster"})
    void anUnknownEpochIsReportedNotRecovered(String mode) {
        int[] port = ports(mode);
        String user = unique("carol");
        new Rest(port[0]).post("/api/v1/users/" + user + "/messages", "{\"data\":1}");
        try (WsClient client = resume(port[1], user, "{\"type\":\"resume\",\"offset\":1,\"epoch\":\"gone\",\"groups\":{\"g\":{\"offset\":3,\"epoch\":\"gone\"}}}")) {
            ServerMessage m = client.until(f -> f instanceof ServerMessage.Resumed);
            assertThat(((ServerMessage.Resumed) m).recovered()).isFalse();
            assertThat(((ServerMessage.Resumed) m).groups()).containsEntry("g", false);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "cluster"})
    void reconnectsUnderLiveTrafficSeeEveryMessageExactlyOnce(String mode) throws Exception {
        int[] port = ports(mode);
        String user = unique("dave");
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger accepted = new AtomicInteger();
        Rest rest = new Rest(port[0]);
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            while (sending.get()) {
                if (rest.post("/api/v1/users/" + user + "/messages", "{\"data\":" + accepted.get() + "}").status() == 202) {
                    accepted.incrementAndGet();
                }
            }
        });
        List<Long> received = new ArrayList<>();
        StreamPosition last = null;
        for (int round = 0; round < 4; round++) {
            int p = port[round % 2];
            String frame = last == null ? "{\"type\":\"resume\"}"
                    : "{\"type\":\"resume\",\"offset\":" + last.offset() + ",\"epoch\":\"" + last.epoch() + "\"}";
            try (WsClient client = resume(p, user, frame)) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(700);
                while (round < 3 ? System.nanoTime() < until : sending.get() || received.size() < accepted.get()) {
                    ServerMessage m;
                    try {
                        m = client.next();
                    }
                    catch (AssertionError e) {
                        throw new AssertionError("round " + round + ": received " + received.size() + " of " + accepted.get()
                                + ", missing " + missing(received, accepted.get()) + ", last " + last, e);
                    }
                    if (m instanceof Delivery d) {
                        received.add(d.position().offset());
                        last = d.position();
                    }
                    if (round == 3 && sending.get() && received.size() > 20) {
                        sending.set(false);
                        sender.get(10, TimeUnit.SECONDS);
                    }
                }
            }
        }
        sending.set(false);
        sender.get(10, TimeUnit.SECONDS);
        assertThat(received).as("every accepted message once, in order").containsExactlyElementsOf(
                LongStream.rangeClosed(1, accepted.get()).boxed().toList());
    }

    private static List<Long> missing(List<Long> received, int accepted) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= accepted && out.size() < 20; i++) {
            if (!received.contains(i)) {
                out.add(i);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone"})
    void aResumeFrameOutsideAResumingSessionIsRefused(String mode) {
        try (WsClient client = WsClient.connected("ws://127.0.0.1:" + ports(mode)[0] + "/ws?user_id=" + unique("erin"))) {
            client.send("{\"type\":\"resume\",\"offset\":1,\"epoch\":\"E\"}");
            assertThat(client.expect(ServerMessage.ErrorReply.class).code()).isEqualTo(ErrorCode.BAD_REQUEST);
            client.send("{\"type\":\"ping\",\"id\":\"1\"}");
            assertThat(client.expect(ServerMessage.Pong.class).id()).isEqualTo("1");
        }
    }
}
