package io.wsgrid.gateway.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.wsgrid.gateway.support.AccessLogLines;
import io.wsgrid.gateway.support.Client;
import io.wsgrid.gateway.support.Http;
import io.wsgrid.gateway.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
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

/**
 * The connection caps hold and are answered the way the contract says: the upgrade is accepted and closed at once
 * with 1013 (try again later), which any WebSocket client, a browser included, sees.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.gateway.max-connections=3", "wsgrid.gateway.max-connections-per-backend=2"})
class ConnectionCapsIT {

    static final List<NodeProcess> NODES = new ArrayList<>();

    @BeforeAll
    static void startNodes() throws Exception {
        NODES.addAll(NodeProcess.startAll(List.of("c1", "c2")));
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

    /** Opens a session with the JDK's client and returns the close code the server sends (the upgrade succeeds). */
    private int closeCodeOfNewSession(String user) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + relay.port() + "/ws?user_id=" + user), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        return closed.get(10, TimeUnit.SECONDS);
    }

    private NodeProcess node(String id) {
        return NODES.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void pastTheGatewayCapAndPastEveryBackendsCapUpgradesAreClosedWith1013() throws Exception {
        List<Client> clients = new ArrayList<>();
        try (AccessLogLines log = new AccessLogLines()) {
            for (int i = 0; i < 3; i++) {
                clients.add(new Client(relay.port(), "u" + i, false));
            }
            // Gateway-wide cap (3): the fourth is accepted and closed with 1013, and the three live ones stay.
            assertThat(closeCodeOfNewSession("over-total")).isEqualTo(1013);
            assertThat(clients).allSatisfy(c -> assertThat(c.closeCodes).isEmpty());

            // Round robin put two sessions on one node (at its cap of 2) and one on the other.
            Client alone = clients.stream().filter(c -> clients.stream().filter(o -> o.node().equals(c.node())).count() == 1)
                    .findFirst().orElseThrow();
            NodeProcess other = node(alone.node());
            alone.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> Http.admin(adminPort, "GET", "/api/clients", null).body().startsWith("{\"total\":2"));
            // One access-log line per session when it ends; the client closed it (the node's 1000 answer may not pass first).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("ws client=127.0.0.1 ").contains(" backend=" + other.backendId() + " ")
                    .containsPattern(" bytes_in=[1-9]\\d* bytes_out=[1-9]\\d* close=(1000|-) ended_by=client ")));
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("user=over-total backend=- ").contains("close=1013"));
            Http.admin(adminPort, "POST", "/api/backends/" + other.backendId() + "/disable", null);

            // Below the gateway cap now, but the only node taking sessions is at its own cap: 1013 again.
            assertThat(closeCodeOfNewSession("over-backend")).isEqualTo(1013);

            // Room again: a new session is relayed.
            Http.admin(adminPort, "POST", "/api/backends/" + other.backendId() + "/enable", null);
            Client again = new Client(relay.port(), "again", false);
            clients.add(again);
            assertThat(again.node()).isEqualTo(other.id());
        }
        finally {
            clients.forEach(Client::close);
        }
    }
}
