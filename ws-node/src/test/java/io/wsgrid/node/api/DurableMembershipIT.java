package io.wsgrid.node.api;

import java.time.Duration;
import java.util.List;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import static io.wsgrid.node.api.ClusterApiSupport.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Membership set over REST is stored and applies to sessions that open later, on any node, and after reconnects. */
class DurableMembershipIT {

    @Test
    void aMemberSetWhileOfflineJoinsOnEveryLaterSessionOnAnyNodeUntilRemoved() {
        try (Nodes nodes = new Nodes()) {
            int[] ports = ClusterApiSupport.startCluster(nodes, "durable", 2, List.of());
            Rest viaA = new Rest(ports[0]);
            assertThat(viaA.put("/api/v1/groups/room/members/alice").status()).isEqualTo(204);
            assertThat(viaA.get("/api/v1/groups/room").body())
                    .isEqualTo("{\"group\":\"room\",\"users\":[],\"sessions\":0,\"members\":[\"alice\"]}");

            for (int attempt = 0; attempt < 2; attempt++) { // the second time is a reconnect
                try (WsClient alice = WsClient.connected(ws(ports[1], "alice"))) {
                    ServerMessage.Joined joined = alice.expect(ServerMessage.Joined.class);
                    assertThat(joined.group()).isEqualTo("room");
                    await().atMost(Duration.ofSeconds(5)).until(() -> viaA.get("/api/v1/groups/room").body()
                            .equals("{\"group\":\"room\",\"users\":[\"alice\"],\"sessions\":1,\"members\":[\"alice\"]}"));
                    assertThat(viaA.post("/api/v1/groups/room/messages", "{\"data\":" + attempt + "}").status()).isEqualTo(202);
                    Delivery delivery = alice.expect(Delivery.class);
                    assertThat(delivery.target()).isEqualTo(new Target.Group("room"));
                    assertThat(delivery.data().json()).isEqualTo(Integer.toString(attempt));
                }
            }

            try (WsClient onA = WsClient.connected(ws(ports[0], "alice")); WsClient onB = WsClient.connected(ws(ports[1], "alice"))) {
                assertThat(onA.expect(ServerMessage.Joined.class).group()).isEqualTo("room");
                assertThat(onB.expect(ServerMessage.Joined.class).group()).isEqualTo("room");
                assertThat(new Rest(ports[1]).delete("/api/v1/groups/room/members/alice").status()).isEqualTo(204);
                assertThat(onA.expect(ServerMessage.Left.class).group()).isEqualTo("room");
                assertThat(onB.expect(ServerMessage.Left.class).group()).isEqualTo("room");
                // No durable members left: the answer has the contract's shape, without "members".
                await().atMost(Duration.ofSeconds(5)).until(() -> viaA.get("/api/v1/groups/room").body()
                        .equals("{\"group\":\"room\",\"users\":[],\"sessions\":0}"));
            }
            try (WsClient later = WsClient.connected(ws(ports[0], "alice"))) {
                viaA.post("/api/v1/users/alice/messages", "{\"data\":\"marker\"}");
                assertThat(later.expect(Delivery.class).data().json()).as("no joined frame before it: membership ended").isEqualTo("\"marker\"");
            }
        }
    }

    @Test
    void aStandaloneNodeKeepsMembershipInMemoryAcrossReconnects() {
        try (Nodes nodes = new Nodes()) {
            int port = nodes.start(List.of("wsgrid.auth.mode=none"));
            Rest rest = new Rest(port);
            assertThat(rest.put("/api/v1/groups/news/members/bob").status()).isEqualTo(204);
            for (int attempt = 0; attempt < 2; attempt++) {
                try (WsClient bob = WsClient.connected(ws(port, "bob"))) {
                    assertThat(bob.expect(ServerMessage.Joined.class).group()).isEqualTo("news");
                    rest.post("/api/v1/groups/news/messages", "{\"data\":" + attempt + "}");
                    assertThat(bob.expect(Delivery.class).data().json()).isEqualTo(Integer.toString(attempt));
                }
            }
            assertThat(rest.get("/api/v1/groups/news").body()).contains("\"members\":[\"bob\"]");
        }
    }
}
