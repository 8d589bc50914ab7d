package io.wsgrid.node.cluster;

import java.time.Duration;
import java.util.Set;

import io.wsgrid.common.protocol.ServerMessage.Connected;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.delivery.Router.UserSent;
import io.wsgrid.node.session.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.wsgrid.node.cluster.TestCluster.assertNothingMore;
import static io.wsgrid.node.cluster.TestNode.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link ClusterRouter} routes user messages between nodes, on the in-memory cluster state and bus: live to the
 * nodes with the user's sessions, queued when there are none, rerouted when a node died or its presence was stale,
 * never twice to a session. What the clients' channels receive is what is asserted.
 */
class ClusterUserRoutingTests {

    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aMessageSentOnOneNodeReachesTheUsersSessionOnAnotherOnceWithItsOffset() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");

        UserSent first = a.send("bob", "\"one\"");
        UserSent second = a.send("bob", "\"two\"");

        assertThat(first.queued()).isFalse();
        Delivery one = bob.expect(Delivery.class);
        assertThat(one.target()).isEqualTo(new Target.User("bob"));
        assertThat(one.data().json()).isEqualTo("\"one\"");
        assertThat(one.position()).isEqualTo(first.position()).extracting(StreamPosition::offset).isEqualTo(1L);
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(second.position()).extracting(StreamPosition::offset).isEqualTo(2L);
        assertNothingMore(bob);
    }

    @Test
    void aSessionThatClosesWhileItsConnectIsOnItsWayLeavesNoPresenceBehindAndPutsBackWhatItTookFromTheQueue() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        UserSent queued = a.send("fay", "\"kept\"");
        assertThat(queued.queued()).isTrue();

        java.util.concurrent.CompletableFuture<Void> connects = cluster.state.holdConnects();
        TestClient gone = b.open("fay");
        gone.disconnect();
        await().atMost(Duration.ofSeconds(2)).until(() -> b.sessionsHere() == 0);
        connects.complete(null); // the connect lands after the close: it counted the session and took the queue

        await().atMost(Duration.ofSeconds(2)).until(() -> !a.router.user(TENANT, "fay").toCompletableFuture().join().online());
        await().atMost(Duration.ofSeconds(2)).until(() -> cluster.state.queued(TENANT, "fay") == 1);
        assertThat(a.send("fay", "\"later\"").queued()).as("nobody is online to send it to").isTrue();

        TestClient fay = a.open("fay");
        fay.expect(Connected.class);
        assertThat(fay.expect(Delivery.class).data().json()).isEqualTo("\"kept\"");
        assertThat(fay.expect(Delivery.class).data().json()).isEqualTo("\"later\"");
        assertNothingMore(fay);
    }

    @Test
    void aUserMessageThePublishersBusCouldNotSendReachesTheOnlineUserOnceTheBusIsBackNotTheQueue() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient gus = b.connect("gus");

        cluster.state.bus().cut("a");
        UserSent sent = a.send("gus", "\"kept\"");
        assertThat(sent.queued()).as("gus is online on b, which is alive").isFalse();
        assertNothingMore(gus);
        assertThat(cluster.state.queued(TENANT, "gus")).isZero();

        cluster.state.bus().reconnect("a");
        a.heartbeat();
        assertThat(gus.expect(Delivery.class).position()).isEqualTo(sent.position());
        assertNothingMore(gus);
    }

    @Test
    void aMessageForAUserOfflineEverywhereIsQueuedAndComesRightAfterConnectedOnTheirNextSession() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");

        UserSent queued = a.send("erin", "\"while away\"");
        assertThat(queued.queued()).isTrue();
        assertThat(cluster.state.queued(TENANT, "erin")).isEqualTo(1);

        TestClient erin = b.open("erin");
        assertThat(erin.expect(Connected.class).top()).isEqualTo(queued.position());
        Delivery delivered = erin.expect(Delivery.class);
        assertThat(delivered.data().json()).isEqualTo("\"while away\"");
        assertThat(delivered.position()).isEqualTo(queued.position());
        assertThat(cluster.state.queued(TENANT, "erin")).isZero();

        UserSent live = a.send("erin", "\"live\"");
        assertThat(live.queued()).isFalse();
        assertThat(erin.expect(Delivery.class).position().offset()).isEqualTo(2);
        assertNothingMore(erin);
    }

    @Test
    void messagesForTheUsersOfADeadNodeAreQueuedBeforeAndAfterTheOthersNoticeAndArriveWhenTheyReconnectElsewhere() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestNode c = cluster.node("c");
        TestClient onDeadNode = b.connect("alice");

        cluster.state.kill("b");
        // a still counts b alive: presence routes the message to b, which nobody receives there, so a queues it.
        UserSent beforeNoticed = a.send("alice", "\"1\"");
        a.heartbeat(); // a finds b dead and sweeps its presence
        UserSent afterNoticed = a.send("alice", "\"2\"");

        assertThat(beforeNoticed.queued()).isTrue();
        assertThat(afterNoticed.queued()).isTrue();
        assertThat(cluster.state.queued(TENANT, "alice")).isEqualTo(2);
        assertNothingMore(onDeadNode);
        TestClient reconnected = c.connect("alice");
        assertThat(reconnected.expect(Delivery.class).position()).isEqualTo(beforeNoticed.position());
        assertThat(reconnected.expect(Delivery.class).position()).isEqualTo(afterNoticed.position());
        assertNothingMore(reconnected);
    }

    @Test
    void aMessageForAUserOnADeadNodeAndALiveOneReachesTheLiveSessionInsteadOfTheQueue() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestNode c = cluster.node("c");
        b.connect("dan");
        TestClient onLiveNode = c.connect("dan");

        cluster.state.kill("b");
        UserSent sent = a.send("dan", "\"x\"");

        assertThat(sent.queued()).isFalse();
        assertThat(onLiveNode.expect(Delivery.class).position()).isEqualTo(sent.position());
        assertNothingMore(onLiveNode);
        assertThat(cluster.state.queued(TENANT, "dan")).isZero();
    }

    @Test
    void aMessageForAUserWhoseNodeHasNoSessionOfThemAfterAllIsQueuedByThatNode() {
        TestNode a = cluster.node("a");
        cluster.node("b");
        cluster.state.stalePresence("b", TENANT, "gina");

        UserSent sent = a.send("gina", "\"x\"");

        assertThat(sent.queued()).as("a believed b had her session").isFalse();
        await().atMost(Duration.ofSeconds(2)).until(() -> cluster.state.queued(TENANT, "gina") == 1);
        TestClient gina = a.connect("gina");
        assertThat(gina.expect(Delivery.class).position()).isEqualTo(sent.position());
        assertNothingMore(gina);
    }

    @Test
    void aMessageRoutedBothToStalePresenceAndToTheUsersSessionReachesThatSessionOnce() {
        TestNode a = cluster.node("a");
        cluster.node("b");
        TestNode c = cluster.node("c");
        TestClient hank = c.connect("hank");
        cluster.state.stalePresence("b", TENANT, "hank");

        // a delivers to c; b has no session of hank, finds him live on c and forwards the message there too.
        UserSent sent = a.send("hank", "\"once\"");

        assertThat(hank.expect(Delivery.class).position()).isEqualTo(sent.position());
        await().atMost(Duration.ofSeconds(2)).until(() -> c.registry.get("wsgrid.drops").tag("reason", "duplicate").counter().count() == 1);
        assertNothingMore(hank);
        assertThat(cluster.state.queued(TENANT, "hank")).isZero();
    }

    @Test
    void aUserMessageTheBusLostIsFilledFromHistoryWhenTheNextOneArrives() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");

        cluster.state.bus().loseNext("b", 1);
        UserSent lost = a.send("bob", "\"lost on the way\"");
        UserSent next = a.send("bob", "\"next\"");

        assertThat(lost.queued()).as("the bus took it").isFalse();
        Delivery filled = bob.expect(Delivery.class);
        assertThat(filled.data().json()).isEqualTo("\"lost on the way\"");
        assertThat(filled.position()).isEqualTo(lost.position());
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(next.position());
        assertNothingMore(bob);
    }

    @Test
    void aNodeDeclaredDeadThatComesBackWritesItsPresenceAgainAndHandsItsUsersWhatWasQueuedMeanwhile() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");
        cluster.state.kill("b"); // a long pause: b's liveness expired
        a.heartbeat();
        UserSent whileDead = a.send("bob", "\"while dead\"");

        cluster.state.revive("b");
        b.heartbeat(); // b finds itself swept: writes its state again, then drains its users' queues
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(whileDead.position());

        // a learns that b lives only at its own next heartbeat; until then it queues, and b drains again.
        UserSent beforeANoticed = a.send("bob", "\"a has not noticed\"");
        assertThat(beforeANoticed.queued()).isTrue();
        b.heartbeat();
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(beforeANoticed.position());

        a.heartbeat();
        UserSent live = a.send("bob", "\"live\"");
        assertThat(live.queued()).isFalse();
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(live.position());
        assertThat(a.router.user(TENANT, "bob").toCompletableFuture().join().nodes()).containsExactly("b");
        assertNothingMore(bob);
    }

    @Test
    void aNodeWhoseLivenessOnlyLapsedKeepsItsPresenceAndHandsItsUsersWhatWasQueuedMeanwhile() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient bob = b.connect("bob");
        a.heartbeat();
        for (int i = 0; i < 4; i++) {
            b.heartbeat(); // past the drains that follow b's first registration
        }
        cluster.state.expire("b"); // a store outage longer than the node TTL; b was back before anyone swept it
        // What a does while its last heartbeat still counts b dead: the message is queued for bob.
        Directory.Sent whileLapsed = cluster.state.directory("a")
                .sendToUser(TENANT, "bob", TestNode.message(new Target.User("bob"), "\"while lapsed\""), Set.of("b"))
                .toCompletableFuture().join();
        assertThat(whileLapsed.route()).isInstanceOf(Directory.Route.Queued.class);

        b.heartbeat(); // b finds its liveness had lapsed: its presence stands, it hands bob what was queued
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(whileLapsed.position());
        a.heartbeat();
        assertThat(a.router.user(TENANT, "bob").toCompletableFuture().join().nodes()).containsExactly("b");

        UserSent live = a.send("bob", "\"live\"");
        assertThat(live.queued()).isFalse();
        assertThat(bob.expect(Delivery.class).position()).isEqualTo(live.position());
        assertNothingMore(bob);
    }
}
