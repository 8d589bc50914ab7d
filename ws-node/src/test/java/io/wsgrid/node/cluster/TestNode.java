package io.wsgrid.node.cluster;

import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.cluster.memory.MemoryCluster;
import io.wsgrid.node.delivery.GroupPolicy;
import io.wsgrid.node.delivery.LocalDelivery;
import io.wsgrid.node.delivery.Router.UserSent;
import io.wsgrid.node.delivery.Sequencer;
import io.wsgrid.node.delivery.TestCommands;
import io.wsgrid.node.history.History;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.hub.HubProperties;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.session.LocalSessions;
import io.wsgrid.node.session.TestClient;

/**
 * One node of an in-JVM cluster for unit tests: the real hub, sequencer, local delivery, sessions, client commands and
 * {@link ClusterRouter}, wired as {@code DeliveryConfiguration} and {@link ClusterConfiguration} wire them (auth off),
 * over a {@link MemoryCluster} instead of Redis and a real bus. Its heartbeat timer fires only at start; a test steps it with
 * {@link #heartbeat()}, so what a node knows about the others changes only where the test says.
 */
final class TestNode implements AutoCloseable {

    static final String TENANT = "t";
    private static final long HEARTBEAT_MILLIS = 3_600_000;

    final String id;
    final ClusterRouter router;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LocalSessions sessions;
    private final Hub hub;

    /** A node whose groups in {@code presenceNamespaces} report presence events. */
    TestNode(String id, MemoryCluster cluster, Set<String> presenceNamespaces) {
        this.id = id;
        NodeMetrics metrics = new NodeMetrics(registry);
        sessions = new LocalSessions(id, metrics);
        hub = new Hub(new HubProperties(8, 16));
        History history = cluster.history();
        Sequencer sequencer = new Sequencer(history, metrics);
        LocalDelivery local = new LocalDelivery(hub, sessions.outbound(), sessions.streams(), history, sequencer);
        GroupPolicy groups = TestCommands.openGroups(presenceNamespaces);
        router = new ClusterRouter(hub, local, cluster.directory(id), cluster.sessionIndex(id), cluster.membership(id),
                cluster.groupPresence(id), groups::presenceEvents, history, sequencer, cluster.bus(id), id, metrics, HEARTBEAT_MILLIS);
        sessions.lifecycle(router, TestCommands.of(hub, sessions.outbound(), router, local, sessions.streams(), history,
                sessions.properties(), groups, metrics));
        router.start();
    }

    /** How many sessions this node's hub holds. */
    int sessionsHere() {
        return hub.sessionsById().size();
    }

    /** A session of the user opens here; returns its client once the {@code connected} frame came. */
    TestClient connect(String user) {
        TestClient client = sessions.open(TENANT, user, false);
        client.expect(ServerMessage.Connected.class);
        return client;
    }

    /** A session of the user opens here; returns its client before reading anything. */
    TestClient open(String user) {
        return sessions.open(TENANT, user, false);
    }

    /** A session of the user opens here with {@code resume=1}; returns its client before reading anything. */
    TestClient openToResume(String user) {
        return sessions.open(TENANT, user, true);
    }

    /** Sends to the user as {@code POST /users/{user}/messages} through this node does. */
    UserSent send(String user, String json) {
        return router.toUser(TENANT, user, message(new Target.User(user), json), System.nanoTime()).toCompletableFuture().join();
    }

    /** Sends to the group as {@code POST /groups/{group}/messages} through this node does. */
    StreamPosition publish(String group, String json) {
        return router.toGroup(TENANT, group, message(new Target.Group(group), json), System.nanoTime()).toCompletableFuture().join();
    }

    static byte[] message(Target target, String json) {
        return ProtocolCodec.INSTANCE.encode(new ServerMessage.Delivery(Uuid7.nextString(), null, target, RawJson.of(json),
                System.currentTimeMillis(), null));
    }

    /** One heartbeat of this node's cluster timer; fails when the node is cut off from the cluster state. */
    void heartbeat() {
        router.heartbeat().toCompletableFuture().join();
    }

    @Override
    public void close() {
        sessions.close();
        router.stop();
    }
}
