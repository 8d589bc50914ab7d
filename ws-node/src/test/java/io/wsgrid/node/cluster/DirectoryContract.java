package io.wsgrid.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.cluster.Directory.Route;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guarantees of {@link Directory}'s Javadoc, run against every implementation: the in-memory one as a unit test,
 * the Redis one as an integration test against a real server. Each test gets a fresh cluster state.
 */
public abstract class DirectoryContract {

    protected static final String TENANT = "t";
    /** The offline queue capacity the directories are built with. */
    protected static final int CAPACITY = 3;

    /** Node {@code node}'s view of this test's cluster state, with an offline queue of {@link #CAPACITY}. */
    protected abstract Directory directory(String node);

    /** The node's liveness expires, as when it stopped refreshing it for longer than the node TTL. */
    protected abstract void expire(String node);

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static byte[] frame(String user, int n) {
        return TestNode.message(new Target.User(user), Integer.toString(n));
    }

    private static List<Long> offsets(List<byte[]> frames) {
        return frames.stream().map(f -> ProtocolCodec.positionOf(f).offset()).toList();
    }

    private Directory node(String id) {
        Directory directory = directory(id);
        join(directory.heartbeat());
        return directory;
    }

    @Test
    void aMessageForAUserWithNoSessionIsAppendedAndQueuedAndTheNextConnectTakesItWithTheStreamsTop() {
        Directory a = node("a");
        Directory.Sent sent = join(a.sendToUser(TENANT, "u", frame("u", 1), Set.of()));

        assertThat(sent.route()).isInstanceOf(Route.Queued.class);
        assertThat(sent.position().offset()).isEqualTo(1);
        assertThat(ProtocolCodec.positionOf(sent.frame())).isEqualTo(sent.position());
        Directory.Connected connected = join(a.connected(TENANT, "u"));
        assertThat(connected.top()).isEqualTo(sent.position());
        assertThat(connected.queued()).containsExactly(sent.frame());
        assertThat(join(a.connected(TENANT, "u")).queued()).as("each queued message is handed out once").isEmpty();
    }

    @Test
    void aMessageForAUserWithSessionsNamesTheirNodesOutsideTheExcludedOnes() {
        Directory a = node("a");
        Directory b = node("b");
        join(a.connected(TENANT, "u"));
        join(b.connected(TENANT, "u"));

        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 1), Set.of())).route())
                .isInstanceOfSatisfying(Route.Live.class, live -> assertThat(live.nodes()).containsExactlyInAnyOrder("a", "b"));
        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 2), Set.of("b"))).route()).isEqualTo(new Route.Live(List.of("a")));
        Directory.Sent queued = join(a.sendToUser(TENANT, "u", frame("u", 3), Set.of("a", "b")));
        assertThat(queued.route()).isInstanceOf(Route.Queued.class);
        assertThat(offsets(join(b.drain(TENANT, "u")))).containsExactly(3L);
        assertThat(join(b.drain(TENANT, "u"))).isEmpty();
    }

    @Test
    void queueUnlessLiveQueuesOnlyWhenNoNodeOutsideTheExcludedOnesHasASession() {
        Directory a = node("a");
        Directory b = node("b");
        join(b.connected(TENANT, "u"));
        byte[] positioned = join(a.sendToUser(TENANT, "u", frame("u", 1), Set.of())).frame();

        assertThat(join(a.queueUnlessLive(TENANT, "u", positioned, Set.of()))).isEqualTo(new Route.Live(List.of("b")));
        assertThat(join(a.queueUnlessLive(TENANT, "u", positioned, Set.of("b")))).isInstanceOf(Route.Queued.class);
        assertThat(join(a.drain(TENANT, "u"))).containsExactly(positioned);
    }

    @Test
    void theOfflineQueueKeepsTheNewestMessagesUpToItsCapacityOldestFirst() {
        Directory a = node("a");
        for (int i = 1; i <= CAPACITY + 2; i++) {
            join(a.sendToUser(TENANT, "u", frame("u", i), Set.of()));
        }
        assertThat(offsets(join(a.connected(TENANT, "u")).queued())).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aSessionCountsUntilItsDisconnect() {
        Directory a = node("a");
        Directory b = node("b");
        join(b.connected(TENANT, "u"));
        join(b.connected(TENANT, "u"));
        join(b.disconnected(TENANT, "u"));
        assertThat(join(a.presence(TENANT, "u"))).isEqualTo(Map.of("b", 1));

        join(b.disconnected(TENANT, "u"));
        assertThat(join(a.presence(TENANT, "u"))).isEmpty();
        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 1), Set.of())).route()).isInstanceOf(Route.Queued.class);
    }

    @Test
    void aDeadNodeCountsNowhereButInTheSendsUntilItIsSweptAndThenItsHeartbeatFindsItVanished() {
        Directory a = node("a");
        Directory b = node("b");
        join(b.connected(TENANT, "u"));
        join(b.membership(TENANT, "g", "u", 1));
        assertThat(join(a.presence(TENANT, "u"))).isEqualTo(Map.of("b", 1));
        assertThat(join(a.group(TENANT, "g"))).isEqualTo(Map.entry(List.of("u"), 1));

        expire("b");
        assertThat(join(a.presence(TENANT, "u"))).isEmpty();
        assertThat(join(a.group(TENANT, "g"))).isEqualTo(Map.entry(List.of(), 0));
        Set<String> dead = join(a.deadNodes());
        assertThat(dead).containsExactly("b");
        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 1), Set.of())).route()).as("the caller must exclude the dead")
                .isEqualTo(new Route.Live(List.of("b")));
        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 2), dead)).route()).isInstanceOf(Route.Queued.class);

        join(a.sweepDeadNodes());
        assertThat(join(a.deadNodes())).isEmpty();
        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 3), Set.of())).route()).isInstanceOf(Route.Queued.class);
        assertThat(join(b.heartbeat())).as("b vanished").isEqualTo(Directory.Beat.VANISHED);
        assertThat(join(b.heartbeat())).isEqualTo(Directory.Beat.ALIVE);
    }

    @Test
    void aNodeWhoseLivenessLapsedIsToldSoByItsNextHeartbeatEvenWhenNobodySweptIt() {
        Directory b = node("b");
        join(b.heartbeat());
        assertThat(join(b.heartbeat())).isEqualTo(Directory.Beat.ALIVE);
        expire("b"); // a long pause: others counted b dead for a while, and may have queued its users' messages
        assertThat(join(b.heartbeat())).as("lapsed, not swept").isEqualTo(Directory.Beat.LAPSED);
        assertThat(join(b.heartbeat())).isEqualTo(Directory.Beat.ALIVE);
    }

    @Test
    void restoreReplacesTheNodesPresenceAndMembership() {
        Directory a = node("a");
        Directory b = node("b");
        join(b.connected(TENANT, "old"));
        join(b.membership(TENANT, "g", "old", 1));

        join(b.restore(Map.of(Directory.member(TENANT, "new"), 2), Map.of(Directory.member(TENANT, "g"), Map.of("new", 2))));

        assertThat(b.isStale()).isFalse();
        assertThat(join(a.presence(TENANT, "old"))).isEmpty();
        assertThat(join(a.presence(TENANT, "new"))).isEqualTo(Map.of("b", 2));
        assertThat(join(a.group(TENANT, "g"))).isEqualTo(Map.entry(List.of("new"), 2));
    }

    @Test
    void aNodeThatLeavesIsGoneAtOnce() {
        Directory a = node("a");
        Directory b = node("b");
        join(b.connected(TENANT, "u"));
        join(b.leave());

        assertThat(join(a.deadNodes())).isEmpty();
        assertThat(join(a.presence(TENANT, "u"))).isEmpty();
        assertThat(join(a.sendToUser(TENANT, "u", frame("u", 1), Set.of())).route()).isInstanceOf(Route.Queued.class);
    }

    /**
     * Sends racing a connect: each message appended up to the top the connect read was queued and taken by it, each
     * one after it was routed to the connecting node; none both, none neither.
     */
    @Test
    void sendsRacingAConnectAreEitherTakenByItOrRoutedToIt() {
        Directory a = node("a");
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<Directory.Sent>> sends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            sends.add(CompletableFuture.supplyAsync(() -> join(a.sendToUser(TENANT, "u", frame("u", n), Set.of())))
                    .whenComplete((x, error) -> done.incrementAndGet()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> done.get() >= 50);
        Directory.Connected connected = join(a.connected(TENANT, "u"));
        List<Long> taken = offsets(connected.queued());
        List<Long> queuedBeforeTop = new ArrayList<>();
        for (CompletableFuture<Directory.Sent> send : sends) {
            Directory.Sent sent = send.join();
            StreamPosition position = sent.position();
            if (position.offset() <= connected.top().offset()) {
                assertThat(sent.route()).as("offset %d, top %d", position.offset(), connected.top().offset()).isInstanceOf(Route.Queued.class);
                queuedBeforeTop.add(position.offset());
            }
            else {
                assertThat(sent.route()).isEqualTo(new Route.Live(List.of("a")));
            }
        }
        // the queue keeps CAPACITY messages: the connect took the newest of those appended before it
        assertThat(taken).isEqualTo(queuedBeforeTop.stream().sorted().skip(Math.max(0, queuedBeforeTop.size() - CAPACITY)).toList());
    }
}
