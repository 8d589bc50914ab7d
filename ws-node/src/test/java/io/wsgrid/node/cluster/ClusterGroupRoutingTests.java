package io.wsgrid.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.ServerMessage.Joined;
import io.wsgrid.common.protocol.ServerMessage.Left;
import io.wsgrid.common.protocol.ServerMessage.Presence;
import io.wsgrid.common.protocol.ServerMessage.PresenceEvent;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.session.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.wsgrid.node.cluster.TestCluster.assertNothingMore;
import static io.wsgrid.node.cluster.TestNode.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link ClusterRouter} carries group messages, durable membership and presence events between nodes, on the
 * in-memory cluster state and bus: what the members' channels receive, in which order, and what the bus lost.
 */
class ClusterGroupRoutingTests {

    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    /** Makes the user a durable member through {@code via}; the session gets its {@code joined}. */
    private static void join(TestNode via, String user, String group, TestClient session) {
        via.router.joinUser(TENANT, user, group).toCompletableFuture().join();
        assertThat(session.expect(Joined.class).group()).isEqualTo(group);
    }

    private static List<Long> offsets(TestClient client, int count) {
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            offsets.add(client.expect(Delivery.class).position().offset());
        }
        return offsets;
    }

    @Test
    void groupMessagesPublishedOnEveryNodeAtOnceReachTheMembersOnEveryNodeInOffsetOrder() {
        List<TestNode> nodes = List.of(cluster.node("a"), cluster.node("b"), cluster.node("c"));
        List<TestClient> members = new ArrayList<>();
        for (TestNode node : nodes) {
            TestClient member = node.connect("member-" + node.id);
            join(nodes.getFirst(), "member-" + node.id, "room", member);
            members.add(member);
        }

        CompletableFuture.allOf(nodes.stream().map(node -> CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 5; i++) {
                node.publish("room", "\"" + node.id + i + "\"");
            }
        })).toArray(CompletableFuture[]::new)).join();

        List<Long> all = LongStream.rangeClosed(1, 15).boxed().toList();
        for (TestClient member : members) {
            assertThat(offsets(member, 15)).isEqualTo(all);
            assertNothingMore(member);
        }
    }

    @Test
    void aGroupMessageTheBusLostIsFilledFromHistoryWhenTheNextOneArrives() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");
        join(a, "bob", "room", bob);

        cluster.state.bus().loseNext("b", 1);
        StreamPosition lost = a.publish("room", "\"lost on the way\"");
        StreamPosition next = a.publish("room", "\"next\"");

        Delivery filled = bob.expect(Delivery.class);
        assertThat(filled.data().json()).isEqualTo("\"lost on the way\"");
        assertThat(filled.position()).isEqualTo(lost);
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(next);
        assertNothingMore(bob);
    }

    @Test
    void aGroupMessageThePublishersBusCouldNotSendIsPublishedAgainOnceItsBusIsBack() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");
        join(a, "bob", "room", bob);

        cluster.state.bus().cut("a"); // only the publisher's bus fails: b never sees its own bus down
        a.publish("room", "\"last\"");
        assertNothingMore(bob);

        cluster.state.bus().reconnect("a");
        a.heartbeat();
        assertThat(offsets(bob, 1)).containsExactly(1L);
        assertNothingMore(bob);
    }

    @Test
    void aNodeThatWasOffTheBusReadsWhatItsGroupsGotMeanwhileFromHistoryOnceTheBusIsBack() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");
        join(a, "bob", "room", bob);

        cluster.state.bus().cut("b");
        b.heartbeat(); // b sees its bus down
        a.publish("room", "\"1\"");
        a.publish("room", "\"2\"");
        assertNothingMore(bob);

        cluster.state.bus().reconnect("b");
        b.heartbeat(); // and back: no later message may come to reveal the gap, so it reads history
        assertThat(offsets(bob, 2)).containsExactly(1L, 2L);
        assertNothingMore(bob);
    }

    @Test
    void aDurableMembershipReachesASessionThatOpensLaterOnAnotherNodeUntilItEnds() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");

        a.router.joinUser(TENANT, "dave", "ops").toCompletableFuture().join();
        assertThat(a.router.members(TENANT, "ops").toCompletableFuture().join()).containsExactly("dave");
        TestClient dave = b.connect("dave");
        assertThat(dave.expect(Joined.class).group()).isEqualTo("ops");
        StreamPosition sent = a.publish("ops", "\"hello\"");
        assertThat(dave.expect(Delivery.class).position()).isEqualTo(sent);

        a.router.leaveUser(TENANT, "dave", "ops").toCompletableFuture().join();
        assertThat(dave.expect(Left.class).group()).isEqualTo("ops");
        a.publish("ops", "\"after leaving\"");
        assertNothingMore(dave);
        assertThat(a.router.members(TENANT, "ops").toCompletableFuture().join()).isEmpty();
    }

    @Test
    void presenceEventsReportAUsersFirstJoinAndLastLeaveAcrossNodesAndTheLeavesOfADeadNode() {
        TestNode a = cluster.node("a", Set.of("lobby"));
        TestNode b = cluster.node("b", Set.of("lobby"));
        TestNode c = cluster.node("c", Set.of("lobby"));
        TestClient ann = a.connect("ann");
        join(a, "ann", "lobby:1", ann);
        assertThat(ann.expect(Presence.class)).isEqualTo(new Presence("lobby:1", "ann", PresenceEvent.JOIN));

        TestClient bo = b.connect("bo");
        join(b, "bo", "lobby:1", bo);
        assertThat(ann.expect(Presence.class)).isEqualTo(new Presence("lobby:1", "bo", PresenceEvent.JOIN));
        TestClient boAgain = c.connect("bo"); // joins as it opens (durable): bo's second session, no event
        assertThat(boAgain.expect(Joined.class).group()).isEqualTo("lobby:1");
        bo.disconnect(); // bo's first session leaves, the second stays: no event
        await().atMost(Duration.ofSeconds(2)).until(() -> a.router.group(TENANT, "lobby:1").toCompletableFuture().join().sessions() == 2);
        assertNothingMore(ann);

        cluster.state.kill("c");
        a.heartbeat(); // a sweeps c: bo's last session is gone
        assertThat(ann.expect(Presence.class)).isEqualTo(new Presence("lobby:1", "bo", PresenceEvent.LEAVE));
        assertNothingMore(ann);
    }
}
