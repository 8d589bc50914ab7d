package io.wsgrid.gateway.relay;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

/** Backends that die or hang: clients never notice more than a quick 1012 reconnect. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.gateway.handshake-timeout=1s", "wsgrid.gateway.health.interval=500ms"})
class GatewayFailoverIT {

    static NodeProcess doomed;
    static NodeProcess survivor;
    static ServerSocket blackHole;
    static final List<Socket> swallowed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        doomed = NodeProcess.start("doomed");
        survivor = NodeProcess.start("survivor");
        blackHole = new ServerSocket(0);
        // Accepts TCP connections and never answers a byte.
        Thread.ofVirtual().start(() -> {
            while (!blackHole.isClosed()) {
                try {
                    swallowed.add(blackHole.accept());
                }
                catch (java.io.IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        doomed.close();
        survivor.close();
        blackHole.close();
        for (Socket s : swallowed) {
            s.close();
        }
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("wsgrid.gateway.backends", () -> doomed.url() + "," + survivor.url());
    }

    @Autowired
    RelayServer relay;

    @LocalServerPort
    int adminPort;

    @Test
    void aBackendThatNeverAnswersIsSkippedWithoutTheClientNoticing() throws Exception {
        String hole = "http://127.0.0.1:" + blackHole.getLocalPort();
        Http.admin(adminPort, "POST", "/api/backends", "{\"url\":\"" + hole + "\"}");
        try {
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(new Client(relay.port(), "patient" + i, false));
            }
            assertThat(clients).allSatisfy(c -> assertThat(c.node()).isIn("doomed", "survivor"));
            assertThat(Http.admin(adminPort, "GET", "/api/backends", null).body())
                    .containsPattern("\"id\":\"127.0.0.1:" + blackHole.getLocalPort() + "\"[^}]*\"failedHandshakes\":[1-9]");
            clients.forEach(Client::close);
        }
        finally {
            Http.admin(adminPort, "DELETE", "/api/backends/127.0.0.1:" + blackHole.getLocalPort(), null);
        }
    }

    @Test
    void killingABackendSends1012ToItsClientsWhoReconnectElsewhereWithinThreeSeconds() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(new Client(relay.port(), "victim" + i, true));
        }
        List<Client> onDoomed = clients.stream().filter(c -> c.node().equals("doomed")).toList();
        assertThat(onDoomed).isNotEmpty();

        long killedAt = System.nanoTime();
        doomed.kill();
        for (Client c : onDoomed) {
            await().atMost(Duration.ofSeconds(3)).until(() -> c.nodes.size() == 2);
            assertThat(c.closeCodes).containsExactly(1012);
            assertThat(c.node()).isEqualTo("survivor");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(3));
        assertThat(clients.stream().filter(c -> !onDoomed.contains(c))).allSatisfy(c -> assertThat(c.closeCodes).isEmpty());
        clients.forEach(Client::close);
    }
}
