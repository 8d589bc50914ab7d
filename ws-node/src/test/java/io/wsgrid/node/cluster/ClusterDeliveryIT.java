package io.wsgrid.node.cluster;

import java.time.Duration;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Three nodes on the real Redis or RabbitMQ: what is sent through one node reaches sessions on another. */
class ClusterDeliveryIT {

    @ParameterizedTest
    @ValueSource(strings = {"redis", "rabbitmq"})
    void aUserOnOneNodeGetsUserGroupAndBroadcastSendsMadeThroughAnother(String bus) {
        Services.requireRedis();
        if (bus.equals("rabbitmq")) {
            Services.requireRabbitMq();
        }
        try (Nodes nodes = new Nodes()) {
            String name = Nodes.uniqueName(bus);
            int a = nodes.start(Nodes.clusterProperties(bus, name, "a"));
            int b = nodes.start(Nodes.clusterProperties(bus, name, "b"));
            int c = nodes.start(Nodes.clusterProperties(bus, name, "c"));
            for (int port : new int[] {a, b, c}) {
                await().atMost(Duration.ofSeconds(20)).until(() -> new Rest(port).get("/actuator/health").body().contains("\"bus\":{\"details\":{\"bus\":\"" + bus + "\",\"busConnected\":true"));
            }
            Rest viaC = new Rest(c);
            try (WsClient alice = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=alice");
                    WsClient bob = WsClient.connected("ws://127.0.0.1:" + b + "/ws?user_id=bob")) {
                alice.send("{\"type\":\"join\",\"group\":\"room\"}");
                alice.expect(ServerMessage.Joined.class);
                await().atMost(Duration.ofSeconds(5)).until(() -> viaC.get("/api/v1/users/alice").body()
                        .equals("{\"user\":\"alice\",\"online\":true,\"sessions\":1,\"nodes\":[\"a\"]}"));
                await().atMost(Duration.ofSeconds(5)).until(() -> viaC.get("/api/v1/groups/room").body()
                        .equals("{\"group\":\"room\",\"users\":[\"alice\"],\"sessions\":1}"));

                assertThat(viaC.post("/api/v1/users/alice/messages", "{\"data\":\"direct\"}").body()).contains("\"status\":\"sent\"");
                Delivery direct = alice.expect(Delivery.class);
                assertThat(direct.target()).isEqualTo(new Target.User("alice"));
                assertThat(direct.data().json()).isEqualTo("\"direct\"");

                viaC.post("/api/v1/groups/room/messages", "{\"data\":\"to the room\"}");
                assertThat(alice.expect(Delivery.class).target()).isEqualTo(new Target.Group("room"));

                viaC.post("/api/v1/broadcast", "{\"data\":\"everyone\"}");
                assertThat(alice.expect(Delivery.class).target()).isEqualTo(Target.Broadcast.INSTANCE);
                assertThat(bob.expect(Delivery.class).target()).isEqualTo(Target.Broadcast.INSTANCE);

                assertThat(viaC.put("/api/v1/groups/ops/members/bob").status()).isEqualTo(204);
                assertThat(bob.expect(ServerMessage.Joined.class).group()).isEqualTo("ops");
                await().atMost(Duration.ofSeconds(5)).until(() -> new Rest(a).get("/api/v1/groups/ops").body().contains("\"users\":[\"bob\"]"));
                viaC.post("/api/v1/groups/ops/messages", "{\"data\":1}");
                assertThat(bob.expect(Delivery.class).target()).isEqualTo(new Target.Group("ops"));

                assertThat(viaC.delete("/api/v1/users/alice/sessions").body()).isEqualTo("{\"closed\":1}");
                assertThat(alice.closeCode()).isEqualTo(4500);
                await().atMost(Duration.ofSeconds(5)).until(() -> viaC.get("/api/v1/users/alice").body().contains("\"online\":false"));
                assertThat(viaC.post("/api/v1/users/alice/messages", "{\"data\":\"later\"}").body()).contains("\"status\":\"queued\"");
            }
        }
    }
}
