package io.wsgrid.node.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

/** One session addressed through another node (send, close), and the tenant's online users paged over two nodes. */
class SessionsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aSessionOnOneNodeGetsMessagesAndIsClosedThroughAnother() throws InterruptedException {
        try (Nodes nodes = new Nodes()) {
            int[] ports = ClusterApiSupport.startCluster(nodes, "sessions", 2, List.of());
            Rest viaB = new Rest(ports[1]);
            try (WsClient first = WsClient.connect(ws(ports[0], "alice")); WsClient second = WsClient.connected(ws(ports[0], "alice"))) {
                String session = first.expect(ServerMessage.Connected.class).session();

                Rest.Response sent = viaB.post("/api/v1/sessions/" + session + "/messages", "{\"data\":{\"only\":\"you\"}}");
                assertThat(sent.status()).isEqualTo(202);
                Delivery delivery = first.expect(Delivery.class);
                assertThat(delivery.data().json()).isEqualTo("{\"only\":\"you\"}");
                assertThat(delivery.target()).isEqualTo(new Target.User("alice"));
                assertThat(delivery.position()).as("live only, no offset").isNull();
                assertThat(sent.body()).isEqualTo("{\"id\":\"" + delivery.id() + "\"}");

                Rest.Response unknown = viaB.post("/api/v1/sessions/no-such-session/messages", "{\"data\":1}");
                assertThat(unknown.status()).isEqualTo(404);
                assertThat(unknown.contentType()).startsWith("application/problem+json");
                assertThat(viaB.with(java.util.Map.of("X-Tenant", "other")).post("/api/v1/sessions/" + session + "/messages", "{\"data\":1}")
                        .status()).as("another tenant's session").isEqualTo(404);

                assertThat(viaB.delete("/api/v1/sessions/" + session).body()).isEqualTo("{\"closed\":1}");
                assertThat(first.closeCode()).isEqualTo(4500);
                assertThat(second.isClosed()).as("the user's other session stays").isFalse();
                await().atMost(Duration.ofSeconds(5)).until(() -> viaB.post("/api/v1/sessions/" + session + "/messages", "{\"data\":1}").status() == 404);
                assertThat(viaB.delete("/api/v1/sessions/" + session).body()).isEqualTo("{\"closed\":0}");
                assertThat(second.receivesWithin(200)).as("nothing meant for the closed session reached the other one").isFalse();
            }
        }
    }

    @Test
    void onlineUsersArePagedOverEveryNodeAndLeaveTheListWhenTheyDisconnect() {
        try (Nodes nodes = new Nodes()) {
            int[] ports = ClusterApiSupport.startCluster(nodes, "online", 2, List.of());
            Rest viaA = new Rest(ports[0]);
            List<WsClient> clients = new ArrayList<>();
            try {
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < 7; i++) {
                    clients.add(WsClient.connected(ws(ports[i % 2], "user" + i)));
                    expected.add("user" + i);
                }
                clients.add(WsClient.connected(ws(ports[1], "user0"))); // a second session: listed once
                assertThat(allPages(viaA, 3)).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(allPages(new Rest(ports[1]), 1000)).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(allPages(viaA.with(java.util.Map.of("X-Tenant", "other")), 10)).as("another tenant").isEmpty();
                clients.get(3).close();
                expected.remove("user3");
                await().atMost(Duration.ofSeconds(5)).until(() -> new HashSet<>(allPages(viaA, 2)).equals(expected));

                Rest.Response bad = viaA.get("/api/v1/users?limit=0");
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.contentType()).startsWith("application/problem+json");
                assertThat(viaA.get("/api/v1/users?cursor=not-a-cursor").status()).isEqualTo(400);
            }
            finally {
                clients.forEach(WsClient::close);
            }
        }
    }

    @Test
    void aStandaloneNodePagesItsUsersInNameOrder() {
        try (Nodes nodes = new Nodes()) {
            int port = nodes.start(List.of("wsgrid.auth.mode=none"));
            Rest rest = new Rest(port);
            try (WsClient c = WsClient.connected(ws(port, "c")); WsClient a = WsClient.connected(ws(port, "a"));
                    WsClient b = WsClient.connected(ws(port, "b"))) {
                Rest.Response first = rest.get("/api/v1/users?limit=2");
                assertThat(first.body()).isEqualTo("{\"users\":[\"a\",\"b\"],\"count\":2,\"cursor\":\"b\"}");
                assertThat(rest.get("/api/v1/users?limit=2&cursor=b").body()).isEqualTo("{\"users\":[\"c\"],\"count\":1,\"cursor\":null}");
                String session = WsClient.class.getSimpleName(); // any unknown id
                assertThat(rest.post("/api/v1/sessions/" + session + "/messages", "{\"data\":1}").status()).isEqualTo(404);
            }
        }
    }

    /** Follows cursors to the end; fails on a user listed twice in one pass. */
    private static List<String> allPages(Rest rest, int limit) {
        List<String> users = new ArrayList<>();
        String cursor = null;
        do {
            Rest.Response page = rest.get("/api/v1/users?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            JsonNode body = JSON.readTree(page.body());
            body.path("users").forEach(u -> {
                assertThat(users).doesNotContain(u.asString());
                users.add(u.asString());
            });
            assertThat(body.path("count").asInt()).isEqualTo(body.path("users").size());
            cursor = body.path("cursor").isNull() ? null : body.path("cursor").asString();
        } while (cursor != null);
        return users;
    }
}
