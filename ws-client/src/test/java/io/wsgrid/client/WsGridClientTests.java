package io.wsgrid.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.wsgrid.client.support.ScriptedServer;
import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client's reconnect, resume and token state machine, against a scripted WebSocket server over real sockets.
 * Backoff is 20 ms to 80 ms and the jitter always draws the top of its range, so every delay is known and short.
 */
class WsGridClientTests {

    /** Bounds waits only; generous because a loaded CI machine can take seconds for a first connect. */
    private static final Duration WAIT = ScriptedServer.WAIT;
    private static final Duration BASE = Duration.ofMillis(20);
    private static final Duration CAP = Duration.ofMillis(80);
    /** Full jitter that always draws its ceiling (minus the 1 ns the range excludes). */
    private static final RandomGenerator TOP_OF_RANGE = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final ScriptedServer server = new ScriptedServer();
    private final RecordingScheduler events = new RecordingScheduler();
    private final List<ServerMessage.Delivery> messages = new CopyOnWriteArrayList<>();
    private final List<StreamRecovery> recoveries = new CopyOnWriteArrayList<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<String> frames = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private WsGridClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
        events.shutdownNow();
    }

    private WsGridClient.Builder client() {
        return WsGridClient.builder().url(server.url()).events(events).backoff(new Backoff(BASE, CAP)).random(TOP_OF_RANGE)
                .onMessage(messages::add).onRecovery(recoveries::add).onFrame(frames::add).onError(errors::add)
                .onClose((code, reason, again) -> closes.add(code + (again ? " reconnect" : " stop")));
    }

    @Test
    void reconnectResumesEveryStreamFromTheLastMessageSeenInsteadOfJoiningAgain() throws Exception {
        client = client().user("alice").build();
        client.join("g");
        client.connect();

        ScriptedServer.Session first = server.nextSession();
        assertThat(first.uri).contains("user_id=alice").doesNotContain("resume");
        first.send(connected("alice", at(41, "E")));
        assertThat(first.next()).isEqualTo(new ClientMessage.Join("g"));
        first.send(new ServerMessage.Joined("g", at(7, "E2")));
        first.send(toUser("alice", 42, "E"));
        first.send(toGroup("g", 8, "E2"));
        first.send(broadcast());
        await().atMost(WAIT).until(() -> messages.size() == 3);
        first.close(1012);

        ScriptedServer.Session second = server.nextSession();
        assertThat(second.uri).contains("user_id=alice").contains("resume=1");
        second.send(connected("alice", at(45, "E")));
        assertThat(second.next()).isEqualTo(new ClientMessage.Resume(at(42, "E"), Map.of("g", at(8, "E2"))));
        second.send(toUser("alice", 43, "E"));
        second.send(toUser("alice", 44, "E"));
        second.send(toGroup("g", 9, "E2"));
        second.send(new ServerMessage.Resumed(true, Map.of("g", true)));
        await().atMost(WAIT).until(() -> recoveries.size() == 1);

        assertThat(recoveries.getFirst()).isEqualTo(new StreamRecovery(true, Map.of("g", true)));
        assertThat(recoveries.getFirst().complete()).isTrue();
        assertThat(offsets()).containsExactly("alice@42", "g@8", "broadcast", "alice@43", "alice@44", "g@9");
        assertThat(client.userPosition()).isEqualTo(at(44, "E"));
        assertThat(client.groupPositions()).isEqualTo(Map.of("g", at(9, "E2")));
        // The resume rejoined the group: the next frame is the application's, not a join.
        client.ping();
        assertThat(second.next()).isInstanceOf(ClientMessage.Ping.class);
        assertThat(closes).containsExactly("1012 reconnect");
    }

    @Test
    void streamsTheNodeCouldNotRecoverAreReportedAndGoOnFromTheirNewTop() throws Exception {
        client = client().user("bob").build();
        client.join("g");
        client.join("h");
        client.connect();

        ScriptedServer.Session first = server.nextSession();
        first.send(connected("bob", at(5, "E")));
        assertThat(Set.of(first.next(), first.next())).isEqualTo(Set.of(new ClientMessage.Join("g"), new ClientMessage.Join("h")));
        first.send(new ServerMessage.Joined("g", at(3, "G")));
        first.send(new ServerMessage.Joined("h", at(1, "H")));
        first.send(toUser("bob", 6, "E"));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        first.close(1011);

        // Redis was flushed meanwhile: the user stream and group h start a new epoch.
        ScriptedServer.Session second = server.nextSession();
        assertThat(second.uri).contains("resume=1");
        second.send(connected("bob", at(2, "E9")));
        assertThat(second.next()).isEqualTo(new ClientMessage.Resume(at(6, "E"), Map.of("g", at(3, "G"), "h", at(1, "H"))));
        second.send(new ServerMessage.Joined("h", at(4, "H2")));
        second.send(new ServerMessage.Resumed(false, Map.of("g", true, "h", false)));
        await().atMost(WAIT).until(() -> recoveries.size() == 1);

        StreamRecovery recovery = recoveries.getFirst();
        assertThat(recovery.user()).isFalse();
        assertThat(recovery.lostGroups()).containsExactly("h");
        assertThat(recovery.complete()).isFalse();
        assertThat(client.userPosition()).isEqualTo(at(2, "E9"));
        assertThat(client.groupPositions()).isEqualTo(Map.of("g", at(3, "G"), "h", at(4, "H2")));

        // The next reconnect resumes from the new tops instead of reporting the same loss again.
        second.close(1012);
        ScriptedServer.Session third = server.nextSession();
        third.send(connected("bob", at(2, "E9")));
        assertThat(third.next()).isEqualTo(new ClientMessage.Resume(at(2, "E9"), Map.of("g", at(3, "G"), "h", at(4, "H2"))));
    }

    @Test
    void aMessageWhoseOffsetWasDeliveredAlreadyIsDroppedButQueuedMessagesBelowTheTopAreNot() throws Exception {
        client = client().user("carol").build();
        client.join("g");
        client.connect();

        ScriptedServer.Session first = server.nextSession();
        first.send(connected("carol", at(2, "E")));
        assertThat(first.next()).isEqualTo(new ClientMessage.Join("g"));
        first.send(new ServerMessage.Joined("g", at(0, "G")));
        // Offsets 1 and 2 were queued while carol was offline: they come after connected, at or below its top.
        first.send(toUser("carol", 1, "E"));
        first.send(toUser("carol", 2, "E"));
        first.send(toUser("carol", 2, "E"));
        first.send(toUser("carol", 1, "E"));
        first.send(toGroup("g", 1, "G"));
        first.send(toGroup("g", 1, "G"));
        first.send(broadcast());
        first.send(broadcast());
        await().atMost(WAIT).until(() -> messages.size() == 5);
        assertThat(offsets()).containsExactly("carol@1", "carol@2", "g@1", "broadcast", "broadcast");
        assertThat(client.duplicatesDropped()).isEqualTo(3);
        assertThat(frames).hasSize(2 + 5).noneMatch(f -> frames.indexOf(f) != frames.lastIndexOf(f) && !f.contains("broadcast"));
        first.close(1012);

        // A replay that overlaps what was delivered live loses its overlap, not the rest.
        ScriptedServer.Session second = server.nextSession();
        second.send(connected("carol", at(3, "E")));
        assertThat(second.next()).isEqualTo(new ClientMessage.Resume(at(2, "E"), Map.of("g", at(1, "G"))));
        second.send(toUser("carol", 2, "E"));
        second.send(toUser("carol", 3, "E"));
        second.send(toGroup("g", 1, "G"));
        second.send(toGroup("g", 2, "G"));
        second.send(new ServerMessage.Resumed(true, Map.of("g", true)));
        await().atMost(WAIT).until(() -> recoveries.size() == 1);
        assertThat(offsets()).endsWith("carol@3", "g@2").hasSize(7);
        assertThat(client.duplicatesDropped()).isEqualTo(5);
    }

    @Test
    void closeCodesDecideBetweenBackoffImmediateReconnectAndGivingUp() throws Exception {
        client = client().user("dave").build();
        client.connect();
        ScriptedServer.Session first = server.nextSession();
        first.send(connected("dave", at(0, "E")));
        await().atMost(WAIT).until(client::isConnected);
        first.close(1011);
        // Refused before connected: the attempt counter grows, the ceiling doubles up to the cap.
        for (int i = 0; i < 3; i++) {
            server.nextSession().close(1011);
        }
        server.nextSession().close(1012);
        server.nextSession().close(4001);
        await().atMost(WAIT).until(() -> closes.size() == 6);

        Duration ns = Duration.ofNanos(1);
        assertThat(events.delays).containsExactly(BASE.minus(ns), BASE.multipliedBy(2).minus(ns), CAP.minus(ns), CAP.minus(ns),
                BASE.minus(ns));
        assertThat(closes).containsExactly("1011 reconnect", "1011 reconnect", "1011 reconnect", "1011 reconnect",
                "1012 reconnect", "4001 stop");
        assertThat(client.isConnected()).isFalse();
    }

    @Test
    void aKickEndsTheClientForGood() throws Exception {
        client = client().user("erin").build();
        client.connect();
        ScriptedServer.Session first = server.nextSession();
        first.send(connected("erin", at(0, "E")));
        await().atMost(WAIT).until(client::isConnected);
        first.close(4500);
        await().atMost(WAIT).until(() -> closes.equals(List.of("4500 stop")));
        assertThat(events.delays).isEmpty();
        assertThatThrownBy(() -> client.publish("g", RawJson.of("1")).join()).hasMessageContaining("not connected");
    }

    @Test
    void theTokenSupplierIsAskedOnEveryConnectAndA4001FirstConnectFails() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        client = client().tokenSupplier(() -> "token-" + calls.incrementAndGet()).build();
        var connect = client.connect();

        ScriptedServer.Session first = server.nextSession();
        assertThat(first.headers.get("Authorization")).isEqualTo("Bearer token-1");
        assertThat(first.uri).doesNotContain("user_id");
        first.send(connected("frank", at(0, "E")));
        assertThat(connect.get(WAIT.toSeconds(), TimeUnit.SECONDS).user()).isEqualTo("frank");
        first.close(1012);

        ScriptedServer.Session second = server.nextSession();
        assertThat(second.headers.get("Authorization")).isEqualTo("Bearer token-2");
        second.close(4001);
        await().atMost(WAIT).until(() -> closes.equals(List.of("1012 reconnect", "4001 stop")));
        assertThat(calls).hasValue(2);

        AtomicInteger refusedCalls = new AtomicInteger();
        try (WsGridClient refused = client().tokenSupplier(() -> "bad-" + refusedCalls.incrementAndGet()).build()) {
            var refusedConnect = refused.connect();
            server.nextSession().close(4001);
            assertThatThrownBy(() -> refusedConnect.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasMessageContaining("4001");
            assertThat(refusedCalls).hasValue(1);
        }
    }

    @Test
    void aSuppliedTokenIsRefreshedBeforeItExpires() throws Exception {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        Queue<String> tokens = new ArrayDeque<>(List.of(jwt(now.plusSeconds(20)), jwt(now.plusSeconds(3600))));
        client = client().tokenSupplier(tokens::remove).clock(InstantSource.fixed(now)).refreshAhead(Duration.ofSeconds(30)).build();
        client.connect();

        ScriptedServer.Session first = server.nextSession();
        String expiring = first.headers.get("Authorization").substring("Bearer ".length());
        assertThat(TokenExpiry.of(expiring)).hasValue(now.plusSeconds(20).getEpochSecond());
        first.send(connected("grace", at(0, "E")));
        // exp is 20 s away, closer than the 30 s margin: refresh at once with the supplier's next token.
        ClientMessage refresh = first.next();
        assertThat(refresh).isInstanceOf(ClientMessage.Refresh.class);
        assertThat(TokenExpiry.of(((ClientMessage.Refresh) refresh).token())).hasValue(now.plusSeconds(3600).getEpochSecond());

        first.send(new ServerMessage.Refreshed(now.plusSeconds(3600).getEpochSecond()));
        await().atMost(WAIT).until(() -> events.delays.contains(Duration.ofSeconds(3600 - 30)));
    }

    @Test
    void aSupplierThatGivesNoFresherTokenIsReportedInsteadOfRefreshingInALoop() throws Exception {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        String token = jwt(now.plusSeconds(10));
        client = client().tokenSupplier(() -> token).clock(InstantSource.fixed(now)).build();
        client.connect();
        ScriptedServer.Session first = server.nextSession();
        first.send(connected("heidi", at(0, "E")));
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        assertThat(errors.getFirst()).hasMessageContaining("no token expiring after");
        client.ping();
        assertThat(first.next()).isInstanceOf(ClientMessage.Ping.class);
    }

    @Test
    void aNodeWithoutStreamsGetsPlainJoinsAfterAReconnect() throws Exception {
        client = client().user("ivan").build();
        client.join("g");
        client.connect();
        ScriptedServer.Session first = server.nextSession();
        first.send(connected("ivan", null));
        assertThat(first.next()).isEqualTo(new ClientMessage.Join("g"));
        first.close(1012);

        ScriptedServer.Session second = server.nextSession();
        assertThat(second.uri).doesNotContain("resume");
        second.send(connected("ivan", null));
        assertThat(second.next()).isEqualTo(new ClientMessage.Join("g"));
    }

    private List<String> offsets() {
        return messages.stream().map(m -> switch (m.target()) {
            case Target.User u -> u.user() + "@" + m.position().offset();
            case Target.Group g -> g.group() + "@" + m.position().offset();
            case Target.Broadcast b -> "broadcast";
        }).toList();
    }

    private static StreamPosition at(long offset, String epoch) {
        return new StreamPosition(offset, epoch);
    }

    private ServerMessage.Connected connected(String user, StreamPosition top) {
        return new ServerMessage.Connected("session-" + ids.incrementAndGet(), user, "node1", 25, top);
    }

    private ServerMessage.Delivery toUser(String user, long offset, String epoch) {
        return new ServerMessage.Delivery("m" + ids.incrementAndGet(), null, new Target.User(user), RawJson.of("1"), 1L, at(offset, epoch));
    }

    private ServerMessage.Delivery toGroup(String group, long offset, String epoch) {
        return new ServerMessage.Delivery("m" + ids.incrementAndGet(), "x", new Target.Group(group), RawJson.of("2"), 1L, at(offset, epoch));
    }

    private ServerMessage.Delivery broadcast() {
        return new ServerMessage.Delivery("m" + ids.incrementAndGet(), null, Target.Broadcast.INSTANCE, RawJson.of("3"), 1L, null);
    }

    /** An unsigned JWT: the client reads {@code exp} without verifying, the node would verify. */
    private static String jwt(Instant exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"u\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    /** The client's events thread, recording every delayed task's delay (reconnects and refreshes). */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1, Thread.ofPlatform().name("test-client-events").daemon().factory());
        }

        @Override
        public void execute(Runnable command) {
            super.schedule(command, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delays.add(Duration.ofNanos(unit.toNanos(delay)));
            return super.schedule(command, delay, unit);
        }
    }
}
