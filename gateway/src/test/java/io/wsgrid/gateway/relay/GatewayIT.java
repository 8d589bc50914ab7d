package io.wsgrid.gateway.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wsgrid.gateway.support.Client;
import io.wsgrid.gateway.support.Http;
import io.wsgrid.gateway.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway in front of three real ws-node processes. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.gateway.health.interval=500ms", "wsgrid.gateway.drain-rate=50"})
class GatewayIT {

    static final List<NodeProcess> NODES = new ArrayList<>();

    @BeforeAll
    static void startNodes() throws Exception {
        // A real cluster (Redis bus), so a REST call through the gateway reaches users on any node.
        NODES.addAll(NodeProcess.startRedisCluster(List.of("n1", "n2", "n3"), "--wsgrid.node.session.compression=true"));
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeProcess.closeAll(NODES);
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("wsgrid.gateway.backends", () -> NodeProcess.backends(NODES));
    }

    @Autowired
    RelayServer relay;

    @LocalServerPort
    int adminPort;

    private final List<Client> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(Client::close);
        await().atMost(Duration.ofSeconds(5)).until(() -> Http.admin(adminPort, "GET", "/api/clients", null).body().startsWith("{\"total\":0"));
        for (NodeProcess n : NODES) {
            Http.admin(adminPort, "POST", "/api/backends/" + n.backendId() + "/enable", null);
        }
        Http.admin(adminPort, "PUT", "/api/strategy", "{\"strategy\":\"round-robin\"}");
    }

    private Client connect(String user) {
        Client c = new Client(relay.port(), user, true);
        clients.add(c);
        return c;
    }

    private Map<String, Integer> nodesOf(List<Client> cs) {
        Map<String, Integer> counts = new HashMap<>();
        cs.forEach(c -> counts.merge(c.node(), 1, Integer::sum));
        return counts;
    }

    @Test
    void roundRobinSpreadsSessionsEvenlyOverTheNodes() {
        List<Client> cs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            cs.add(connect("rr" + i));
        }
        assertThat(nodesOf(cs)).containsOnlyKeys("n1", "n2", "n3").allSatisfy((node, n) -> assertThat(n).isEqualTo(3));
    }

    @Test
    void strategiesSwitchAtRuntime() throws Exception {
        assertThat(Http.admin(adminPort, "PUT", "/api/strategy", "{\"strategy\":\"consistent-hash\"}").body()).contains("\"strategy\":\"consistent-hash\"");
        // A user who reconnects lands on the same node (bounded load spreads concurrent sessions only when a node
        // would go past 1.25 times the average).
        List<String> homes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (Client tab = new Client(relay.port(), "sticky-user", false)) {
                homes.add(tab.node());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Http.admin(adminPort, "GET", "/api/clients", null).body().startsWith("{\"total\":0"));
        }
        assertThat(homes).containsOnly(homes.getFirst());
        List<Client> tabs = List.of();

        Http.admin(adminPort, "PUT", "/api/strategy", "{\"strategy\":\"least-connections\"}");
        List<Client> more = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            more.add(connect("lc" + i));
        }
        List<Client> all = new ArrayList<>(tabs);
        all.addAll(more);
        assertThat(nodesOf(all).values()).containsOnly(all.size() / 3 + (all.size() % 3 == 0 ? 0 : 1), all.size() / 3);

        assertThat(Http.admin(adminPort, "PUT", "/api/strategy", "{\"strategy\":\"fastest\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void drainingANodeMovesItsSessionsWith1012AndKeepsNewOnesAway() throws Exception {
        List<Client> cs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cs.add(connect("drain" + i));
        }
        String drained = NODES.get(0).backendId();
        List<Client> onN1 = cs.stream().filter(c -> c.node().equals("n1")).toList();
        assertThat(onN1).hasSize(2);

        assertThat(Http.admin(adminPort, "POST", "/api/backends/" + drained + "/drain", null).body()).contains("\"state\":\"DRAINING\"");
        for (Client c : onN1) {
            await().atMost(Duration.ofSeconds(5)).until(() -> c.closeCodes.contains(1012) && c.nodes.size() == 2);
            assertThat(c.node()).isNotEqualTo("n1");
        }
        for (int i = 0; i < 4; i++) {
            assertThat(connect("after-drain" + i).node()).isNotEqualTo("n1");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Http.admin(adminPort, "GET", "/api/backends", null).body()
                .contains("\"id\":\"" + drained + "\",\"url\":\"http://" + drained + "\",\"weight\":1,\"state\":\"DRAINING\",\"source\":\"config\",\"connections\":0"));
    }

    @Test
    void backendsComeAndGoAtRuntime() throws Exception {
        try (NodeProcess extra = NodeProcess.start("n4")) {
            assertThat(Http.admin(adminPort, "POST", "/api/backends", "{\"url\":\"" + extra.url() + "\",\"weight\":1}").statusCode()).isEqualTo(201);
            List<Client> cs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                cs.add(connect("dyn" + i));
            }
            List<Client> onN4 = cs.stream().filter(c -> c.node().equals("n4")).toList();
            assertThat(onN4).hasSize(2);

            assertThat(Http.admin(adminPort, "DELETE", "/api/backends/" + extra.backendId(), null).statusCode()).isEqualTo(204);
            for (Client c : onN4) {
                await().atMost(Duration.ofSeconds(5)).until(() -> c.closeCodes.contains(1012) && c.nodes.size() == 2);
                assertThat(c.node()).isNotEqualTo("n4");
            }
            assertThat(Http.admin(adminPort, "GET", "/api/backends", null).body()).doesNotContain(extra.backendId());
            assertThat(Http.admin(adminPort, "POST", "/api/backends", "{\"url\":\"ftp://nope\"}").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void restCallsOnTheDataPortReachANode() throws Exception {
        Client alice = connect("rest-alice");
        var response = Http.post("http://127.0.0.1:" + relay.port() + "/api/v1/users/rest-alice/messages", "{\"data\":{\"x\":1}}");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("\"status\":\"sent\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> !alice.messages.isEmpty());
        assertThat(alice.messages.getFirst().data().json()).isEqualTo("{\"x\":1}");
    }

    @Test
    void clientsAreListedWithTheirBackend() throws Exception {
        connect("listed-user");
        String body = Http.admin(adminPort, "GET", "/api/clients?q=listed", null).body();
        assertThat(body).startsWith("{\"total\":1").contains("\"user\":\"listed-user\"").contains("\"backend\":\"127.0.0.1:");
        assertThat(Http.admin(adminPort, "GET", "/api/clients/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminApiSeesTheNodesAndRefusesBadInputClearly() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.admin(adminPort, "GET", "/api/overview", null).body()
                .contains("\"nodesReachable\":3"));
        String nodes = Http.admin(adminPort, "GET", "/api/nodes", null).body();
        assertThat(nodes).contains("\"node\":\"n1\"", "\"node\":\"n2\"", "\"node\":\"n3\"", "\"health\":\"UP\"", "\"bus\":\"UP\"");

        String backend = NODES.getFirst().backendId();
        var zero = Http.admin(adminPort, "PUT", "/api/backends/" + backend + "/weight", "{\"weight\":0}");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.body()).contains("weight must be 1 to 1000, got 0");
        assertThat(Http.admin(adminPort, "PUT", "/api/backends/" + backend + "/weight", "{}").body()).contains("'weight' is required");
        assertThat(Http.admin(adminPort, "PUT", "/api/backends/10.9.9.9:1/weight", "{\"weight\":2}").statusCode()).isEqualTo(404);
        assertThat(Http.admin(adminPort, "POST", "/api/backends/10.9.9.9:1/drain", null).statusCode()).isEqualTo(404);

        var noTarget = Http.admin(adminPort, "POST", "/api/messages", "{\"target\":\"planet\",\"data\":1}");
        assertThat(noTarget.statusCode()).isEqualTo(400);
        assertThat(noTarget.body()).contains("'target' must be user, group or broadcast");
        assertThat(Http.admin(adminPort, "POST", "/api/messages", "{\"target\":\"user\",\"data\":1}").body()).contains("'name' is required");
        assertThat(Http.admin(adminPort, "POST", "/api/messages", "{\"target\":\"broadcast\"}").body()).contains("'data' is required");
        assertThat(Http.admin(adminPort, "POST", "/api/messages", "{\"target\":").statusCode()).isEqualTo(400);

        Client carol = connect("admin-carol");
        var sent = Http.admin(adminPort, "POST", "/api/messages", "{\"target\":\"user\",\"name\":\"admin-carol\",\"data\":{\"from\":\"admin\"}}");
        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(sent.body()).contains("\"status\":\"sent\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> !carol.messages.isEmpty());
        assertThat(carol.messages.getFirst().data().json()).isEqualTo("{\"from\":\"admin\"}");
    }

    @Test
    void theAdminApiNeedsTheAdmin() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort + "/api/backends")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void aTextFrameThatIsNotUtf8IsClosedWith1007ThroughTheGateway() throws Exception {
        try (NettyWsClient client = new NettyWsClient(relay.port(), "bad-utf8", false)) {
            client.sendTextBytes(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertThat(client.closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void compressedAndBinarySessionsPassThroughIntact() throws Exception {
        try (NettyWsClient compressed = new NettyWsClient(relay.port(), "deflate-user", true)) {
            assertThat(compressed.negotiatedExtensions()).contains("permessage-deflate");
            String pingId = "x".repeat(2000);
            compressed.sendText("{\"type\":\"ping\",\"id\":\"" + pingId + "\"}");
            assertThat(compressed.nextText()).isEqualTo("{\"type\":\"pong\",\"id\":\"" + pingId + "\"}");
            compressed.sendBinary("{\"type\":\"ping\",\"id\":\"bin\"}");
            assertThat(compressed.nextText()).isEqualTo("{\"type\":\"pong\",\"id\":\"bin\"}");
        }
    }
}
