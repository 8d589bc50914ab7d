package io.wsgrid.node.cluster;

import java.time.Duration;

import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.delivery.Router;
import io.wsgrid.node.session.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.wsgrid.node.cluster.TestCluster.assertNothingMore;
import static io.wsgrid.node.cluster.TestNode.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST calls that address sessions and users wherever they are, through {@link ClusterRouter} on the in-memory
 * cluster state and bus: a frame to one session, closing one session, kicking a user, and what is reported online.
 */
class ClusterSessionCommandsTests {

    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void aFrameForOneSessionReachesThatSessionOnAnotherNodeAndNoOtherOfTheUser() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestNode c = cluster.node("c");
        TestClient one = b.connect("ivy");
        TestClient other = c.connect("ivy");

        boolean sent = join(a.router.toSession(TENANT, one.session().id(),
                user -> TestNode.message(new Target.User(user), "\"just you\""), System.nanoTime()));

        assertThat(sent).isTrue();
        Delivery delivery = one.expect(Delivery.class);
        assertThat(delivery.data().json()).isEqualTo("\"just you\"");
        assertThat(delivery.position()).as("live only, in no stream").isNull();
        assertNothingMore(other);
        assertThat(join(a.router.toSession(TENANT, "no-such-session", user -> new byte[0], System.nanoTime()))).isFalse();
        assertThat(join(a.router.toSession("another-tenant", one.session().id(), user -> new byte[0], System.nanoTime()))).isFalse();
    }

    @Test
    void closingOneSessionClosesItOnItsNodeWith4500AndLeavesTheUsersOthersOpen() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestClient closed = b.connect("jo");
        TestClient kept = a.connect("jo");

        assertThat(join(a.router.closeSession(TENANT, closed.session().id()))).isTrue();

        assertThat(closed.closeCode()).isEqualTo(4500);
        await().atMost(Duration.ofSeconds(2)).until(() -> join(a.router.user(TENANT, "jo")).equals(new Router.UserView("jo", true, 1, java.util.List.of("a"))));
        assertThat(kept.session().isOpen()).isTrue();
        assertThat(join(a.router.closeSession(TENANT, closed.session().id()))).as("gone now").isFalse();
    }

    @Test
    void aKickClosesEverySessionOfTheUserOnEveryNodeAndCountsThem() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestNode c = cluster.node("c");
        TestClient here = a.connect("kim");
        TestClient there = b.connect("kim");
        TestClient elsewhere = c.connect("kim");
        TestClient bystander = c.connect("lee");

        assertThat(join(a.router.kick(TENANT, "kim"))).isEqualTo(3);

        assertThat(here.closeCode()).isEqualTo(4500);
        assertThat(there.closeCode()).isEqualTo(4500);
        assertThat(elsewhere.closeCode()).isEqualTo(4500);
        await().atMost(Duration.ofSeconds(2)).until(() -> !join(a.router.user(TENANT, "kim")).online());
        assertThat(bystander.session().isOpen()).isTrue();
    }

    @Test
    void onlineUsersAndAUsersNodesCountSessionsOnLiveNodesOnly() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        a.connect("amy");
        b.connect("amy");
        b.connect("ben");

        assertThat(join(a.router.user(TENANT, "amy"))).isEqualTo(new Router.UserView("amy", true, 2, java.util.List.of("a", "b")));
        Router.OnlinePage first = join(a.router.online(TENANT, null, 1));
        Router.OnlinePage second = join(a.router.online(TENANT, first.cursor(), 1));
        assertThat(first.users()).containsExactly("amy");
        assertThat(second.users()).containsExactly("ben");
        assertThat(second.cursor()).isNull();

        cluster.state.kill("b");
        assertThat(join(a.router.user(TENANT, "amy"))).isEqualTo(new Router.UserView("amy", true, 1, java.util.List.of("a")));
        assertThat(join(a.router.online(TENANT, null, 10)).users()).containsExactly("amy");
    }
}
