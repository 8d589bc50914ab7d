package io.wsgrid.node.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.RedisServers;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cases every Redis deployment must pass, run against two ws-nodes on the redis bus that reach a private Redis
 * only through {@code spring.data.redis.*} (and {@code spring.ssl.*}): a send made through one node reaches a user on
 * the other, presence written by one node is read by the other, and a message for an offline user is queued and
 * delivered when she connects. One server set and one pair of nodes per class keep the servers' start-up paid once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RedisDeploymentCases {

    protected RedisServers servers;
    protected Nodes nodes;
    /** The cluster's {@code wsgrid.cluster.redis.prefix}. */
    protected String name;
    protected int a;
    protected int b;

    /** Starts the deployment and returns the node properties that reach it. */
    protected abstract List<String> startRedis(RedisServers servers) throws Exception;

    /** Runs one step of a case; a subclass may report a known, pending failure instead of failing. */
    protected void step(ThrowingCallable body) throws Throwable {
        body.call();
    }

    @BeforeAll
    void startServersAndNodes() throws Exception {
        servers = RedisServers.create();
        List<String> redis = startRedis(servers);
        nodes = new Nodes();
        name = Nodes.uniqueName(getClass().getSimpleName());
        a = nodes.start(with(Nodes.clusterProperties("redis", name, "a"), redis));
        b = nodes.start(with(Nodes.clusterProperties("redis", name, "b"), redis));
        for (int port : new int[] {a, b}) {
            await("bus up on " + port).atMost(Duration.ofSeconds(20)).until(() -> busUp(port));
        }
    }

    @AfterAll
    void stopNodesAndServers() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    @Order(1)
    void aUserOnOneNodeGetsSendsMadeThroughTheOther() throws Throwable {
        Rest viaB = new Rest(b);
        try (WsClient alice = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=alice")) {
            // A broadcast needs no presence: it proves the bus alone.
            step(() -> {
                assertThat(viaB.post("/api/v1/broadcast", "{\"data\":\"everyone\"}").status()).isEqualTo(202);
                assertThat(alice.expect(Delivery.class).target()).isEqualTo(Target.Broadcast.INSTANCE);
            });
            step(() -> awaitPresence(viaB, "alice", "a"));
            step(() -> {
                assertThat(viaB.post("/api/v1/users/alice/messages", "{\"data\":\"direct\"}").body()).contains("\"status\":\"sent\"");
                Delivery direct = alice.expect(Delivery.class);
                assertThat(direct.target()).isEqualTo(new Target.User("alice"));
                assertThat(direct.data().json()).isEqualTo("\"direct\"");
            });
        }
    }

    @Test
    @Order(2)
    void presenceWrittenByOneNodeIsReadByTheOther() throws Throwable {
        Rest viaA = new Rest(a);
        try (WsClient bob = WsClient.connected("ws://127.0.0.1:" + b + "/ws?user_id=bob")) {
            step(() -> awaitPresence(viaA, "bob", "b"));
        }
        step(() -> await().atMost(Duration.ofSeconds(5)).until(() -> viaA.get("/api/v1/users/bob").body().contains("\"online\":false")));
    }

    @Test
    @Order(3)
    void aMessageForAnOfflineUserIsQueuedAndDeliveredWhenSheConnects() throws Throwable {
        step(() -> assertThat(new Rest(b).post("/api/v1/users/carol/messages", "{\"data\":\"while you were away\"}").body())
                .contains("\"status\":\"queued\""));
        try (WsClient carol = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=carol")) {
            step(() -> assertThat(carol.expect(Delivery.class).data().json()).isEqualTo("\"while you were away\""));
        }
    }

    protected static void awaitPresence(Rest rest, String user, String node) {
        await().atMost(Duration.ofSeconds(5)).until(() -> rest.get("/api/v1/users/" + user).body()
                .equals("{\"user\":\"" + user + "\",\"online\":true,\"sessions\":1,\"nodes\":[\"" + node + "\"]}"));
    }

    protected static boolean busUp(int port) {
        String health = new Rest(port).get("/actuator/health").body();
        return health.contains("\"busConnected\":true") && health.contains("\"redisConnected\":true");
    }

    protected static List<String> with(List<String> base, List<String> extra) {
        List<String> all = new ArrayList<>(base);
        all.addAll(extra);
        return all;
    }
}
