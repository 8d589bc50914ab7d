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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.wsgrid.node.api.ClusterApiSupport.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /api/v1/batch} on a two-node Redis cluster: mixed items, per-item results, a bad item, the item cap. */
class BatchIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aBatchThroughOneNodeReachesSessionsOnAnotherWithOneResultPerItem() {
        try (Nodes nodes = new Nodes()) {
            int[] ports = ClusterApiSupport.startCluster(nodes, "batch", 2, List.of());
            Rest viaB = new Rest(ports[1]);
            try (WsClient alice = WsClient.connected(ws(ports[0], "alice"))) {
                alice.send("{\"type\":\"join\",\"group\":\"room\"}");
                alice.expect(ServerMessage.Joined.class);
                await().atMost(Duration.ofSeconds(5)).until(() -> viaB.get("/api/v1/groups/room").body().contains("\"alice\""));

                Rest.Response response = viaB.post("/api/v1/batch", """
                        {"messages":[{"user":"alice","data":{"n":1}},{"users":["alice","offline-bob"],"data":2},
                         {"group":"room","data":3},{"user":"alice"},{"broadcast":true,"data":4}]}""");
                assertThat(response.status()).isEqualTo(202);
                JsonNode results = JSON.readTree(response.body()).path("results");
                assertThat(results.size()).isEqualTo(5);
                assertThat(results.get(0).path("status").asString()).isEqualTo("sent");
                assertThat(results.get(0).path("offset").asLong()).isEqualTo(1);
                assertThat(results.get(1).isArray()).isTrue();
                assertThat(results.get(1).get(0).path("status").asString()).isEqualTo("sent");
                assertThat(results.get(1).get(0).path("offset").asLong()).isEqualTo(2);
                assertThat(results.get(1).get(1).path("status").asString()).isEqualTo("queued");
                assertThat(results.get(1).get(1).path("offset").asLong()).isEqualTo(1);
                assertThat(results.get(2).path("offset").asLong()).isEqualTo(1);
                assertThat(results.get(2).has("id")).isTrue();
                assertThat(results.get(3).path("error").asString()).contains("'data' is required");
                assertThat(results.get(4).has("id")).isTrue();
                assertThat(results.get(4).has("offset")).isFalse();

                // Items are sent concurrently: the user stream keeps its order, the kinds may interleave.
                List<Delivery> got = List.of(alice.expect(Delivery.class), alice.expect(Delivery.class), alice.expect(Delivery.class),
                        alice.expect(Delivery.class));
                assertThat(got.stream().filter(d -> d.target() instanceof Target.User).map(d -> d.data().json()))
                        .containsExactly("{\"n\":1}", "2");
                assertThat(got.stream().filter(d -> d.target() instanceof Target.Group).map(d -> d.data().json())).containsExactly("3");
                assertThat(got.stream().filter(d -> d.target() instanceof Target.Broadcast).map(d -> d.data().json())).containsExactly("4");

                try (WsClient bob = WsClient.connected(ws(ports[0], "offline-bob"))) {
                    assertThat(bob.expect(Delivery.class).data().json()).isEqualTo("2");
                }
            }
        }
    }

    @Test
    void moreThanAThousandItemsOrABodyWithoutMessagesIsABadRequest() {
        try (Nodes nodes = new Nodes()) {
            int[] ports = ClusterApiSupport.startCluster(nodes, "batchcap", 1, List.of());
            Rest rest = new Rest(ports[0]);
            Rest.Response tooMany = rest.post("/api/v1/batch", BatchRequestTests.batchOf(1001));
            assertThat(tooMany.status()).isEqualTo(400);
            assertThat(tooMany.contentType()).startsWith("application/problem+json");
            assertThat(tooMany.body()).contains("at most 1000");

            Rest.Response thousand = rest.post("/api/v1/batch", BatchRequestTests.batchOf(1000));
            assertThat(thousand.status()).isEqualTo(202);
            assertThat(JSON.readTree(thousand.body()).path("results").size()).isEqualTo(1000);

            Rest.Response noMessages = rest.post("/api/v1/batch", "{\"data\":1}");
            assertThat(noMessages.status()).isEqualTo(400);
            assertThat(noMessages.contentType()).startsWith("application/problem+json");
        }
    }
}
