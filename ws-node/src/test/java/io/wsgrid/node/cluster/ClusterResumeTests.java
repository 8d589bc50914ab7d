package io.wsgrid.node.cluster;

import java.util.Map;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.ServerMessage.Connected;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.ServerMessage.Joined;
import io.wsgrid.common.protocol.ServerMessage.Resumed;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.delivery.Router.UserSent;
import io.wsgrid.node.session.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.wsgrid.node.cluster.TestCluster.assertNothingMore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming across nodes through {@link ClusterRouter} on the in-memory cluster state and bus: the replay from history,
 * merged with the offline queue, then {@code resumed}, then live traffic; each message once and in order, also one that
 * was both held back during the resume and replayed.
 */
class ClusterResumeTests {

    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static Delivery delivery(TestClient client, Target target, StreamPosition position) {
        Delivery delivery = client.expect(Delivery.class);
        assertThat(delivery.target()).isEqualTo(target);
        assertThat(delivery.position()).isEqualTo(position);
        return delivery;
    }

    @Test
    void aClientResumingOnAnotherNodeAfterItsNodeDiedGetsWhatItMissedOnceAndInOrderThenLiveTraffic() {
        TestNode a = cluster.node("a");
        TestNode b = cluster.node("b");
        TestNode c = cluster.node("c");
        Target toKim = new Target.User("kim");
        Target toRoom = new Target.Group("room");
        TestClient first = b.connect("kim");
        first.send(new ClientMessage.Join("room"));
        first.expect(Joined.class);
        StreamPosition seenUser = delivery(first, toKim, a.send("kim", "\"u1\"").position()).position();
        StreamPosition seenGroup = delivery(first, toRoom, a.publish("room", "\"g1\"")).position();

        cluster.state.kill("b");
        UserSent u2 = a.send("kim", "\"u2\"");
        StreamPosition g2 = a.publish("room", "\"g2\"");
        a.heartbeat();
        UserSent u3 = a.send("kim", "\"u3\"");
        assertThat(u2.queued()).isTrue();
        assertThat(u3.queued()).isTrue();

        TestClient resumed = c.openToResume("kim");
        assertThat(resumed.expect(Connected.class).top()).isEqualTo(u3.position());
        UserSent held = a.send("kim", "\"u4, sent before the resume frame\"");
        assertThat(held.queued()).isFalse();
        resumed.send(new ClientMessage.Resume(seenUser, Map.of("room", seenGroup)));

        // u2 and u3 are in history and in the queue the connect took, u4 in history and held: each comes once, and
        // the replay (user stream first, then each group) before resumed.
        delivery(resumed, toKim, u2.position());
        delivery(resumed, toKim, u3.position());
        delivery(resumed, toKim, held.position());
        delivery(resumed, toRoom, g2);
        assertThat(resumed.expect(Resumed.class)).isEqualTo(new Resumed(true, Map.of("room", true)));
        delivery(resumed, toRoom, a.publish("room", "\"g3\""));
        delivery(resumed, toKim, a.send("kim", "\"u5\"").position());
        assertNothingMore(resumed);
    }
}
