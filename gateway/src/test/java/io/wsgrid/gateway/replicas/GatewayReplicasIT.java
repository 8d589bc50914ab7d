package io.wsgrid.gateway.replicas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.gateway.support.Client;
import io.wsgrid.gateway.support.GatewayProcess;
import io.wsgrid.gateway.support.Http;
import io.wsgrid.gateway.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real gateway processes sharing their admin state through the local Redis (a key prefix of their own): what an
 * operator changes on one replica holds on the other within 2 s, a replica started later loads it, and each
 * replica's admin API lists both replicas with their sessions.
 */
class GatewayReplicasIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PREFIX = "wsgrid-gw-test-" + Long.toHexString(System.nanoTime());
    static final List<NodeProcess> NODES = new ArrayList<>();
    static final List<GatewayProcess> GATEWAYS = new ArrayList<>();

    static String[] gatewayArgs() {
        return new String[] {"--wsgrid.gateway.shared-state=redis", "--wsgrid.gateway.shared-state-prefix=" + PREFIX,
                "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=6379",
                "--wsgrid.gateway.backends=" + NodeProcess.backends(NODES) + ",http://127.0.0.1:9",
                "--wsgrid.gateway.health.interval=500ms"};
    }

    @BeforeAll
    static void start() throws Exception {
        NODES.add(NodeProcess.start("r1"));
        GATEWAYS.addAll(GatewayProcess.startAll(List.of("gw-a", "gw-b"), gatewayArgs()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayProcess g : GATEWAYS) {
            g.close();
        }
        NodeProcess.closeAll(NODES);
    }

    static JsonNode get(GatewayProcess g, String path) throws Exception {
        var answer = Http.admin(g.adminPort(), "GET", path, null);
        assertThat(answer.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    static JsonNode backend(GatewayProcess g, String id) throws Exception {
        for (JsonNode b : get(g, "/api/backends")) {
            if (b.path("id").asString().equals(id)) {
                return b;
            }
        }
        return null;
    }

    static void within2s(org.awaitility.core.ThrowingRunnable check) {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(check);
    }

    @Test
    void aChangeOnOneReplicaHoldsOnTheOtherWithinTwoSeconds() throws Exception {
        GatewayProcess a = GATEWAYS.get(0);
        GatewayProcess b = GATEWAYS.get(1);
        String dead = "127.0.0.1:9";

        assertThat(Http.admin(a.adminPort(), "POST", "/api/backends/" + dead + "/drain", null).statusCode()).isEqualTo(200);
        within2s(() -> assertThat(backend(b, dead).path("state").asString()).isEqualTo("DRAINING"));

        assertThat(Http.admin(b.adminPort(), "POST", "/api/backends/" + dead + "/disable", null).statusCode()).isEqualTo(200);
        within2s(() -> assertThat(backend(a, dead).path("state").asString()).isEqualTo("DISABLED"));

        assertThat(Http.admin(a.adminPort(), "PUT", "/api/backends/" + dead + "/weight", "{\"weight\":7}").statusCode()).isEqualTo(200);
        within2s(() -> assertThat(backend(b, dead).path("weight").asInt()).isEqualTo(7));

        assertThat(Http.admin(b.adminPort(), "PUT", "/api/strategy", "{\"strategy\":\"least_connections\"}").statusCode()).isEqualTo(200);
        within2s(() -> assertThat(get(a, "/api/strategy").path("strategy").asString()).isEqualTo("least-connections"));

        assertThat(Http.admin(a.adminPort(), "POST", "/api/backends", "{\"url\":\"http://127.0.0.1:7\",\"weight\":3}").statusCode()).isEqualTo(201);
        within2s(() -> {
            JsonNode added = backend(b, "127.0.0.1:7");
            assertThat(added).isNotNull();
            assertThat(added.path("source").asString()).isEqualTo("api");
            assertThat(added.path("weight").asInt()).isEqualTo(3);
        });

        assertThat(Http.admin(b.adminPort(), "DELETE", "/api/backends/127.0.0.1:7", null).statusCode()).isEqualTo(204);
        within2s(() -> assertThat(backend(a, "127.0.0.1:7")).isNull());

        // A replica that starts now loads what the others decided.
        try (GatewayProcess late = GatewayProcess.startAll(List.of("gw-late"), gatewayArgs()).getFirst()) {
            within2s(() -> {
                assertThat(backend(late, dead).path("state").asString()).isEqualTo("DISABLED");
                assertThat(backend(late, dead).path("weight").asInt()).isEqualTo(7);
                assertThat(get(late, "/api/strategy").path("strategy").asString()).isEqualTo("least-connections");
            });
        }
    }

    @Test
    void everyReplicaShowsEveryReplicasSessions() throws Exception {
        GatewayProcess a = GATEWAYS.get(0);
        GatewayProcess b = GATEWAYS.get(1);
        try (Client alice = new Client(b.dataPort(), "alice", false)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode gateways = get(a, "/api/gateways");
                assertThat(gateways.path("self").asString()).isEqualTo("gw-a");
                assertThat(gateways.path("sharedState").asString()).isEqualTo("redis");
                List<String> ids = new ArrayList<>();
                gateways.path("gateways").forEach(g -> ids.add(g.path("id").asString()));
                assertThat(ids).startsWith("gw-a").contains("gw-b");
                gateways.path("gateways").forEach(g -> {
                    if (g.path("id").asString().equals("gw-b")) {
                        assertThat(g.path("connections").asInt()).isEqualTo(1);
                        assertThat(g.path("backends").path(NODES.getFirst().backendId()).asInt()).isEqualTo(1);
                        assertThat(g.path("adminUrl").asString()).endsWith(":" + b.adminPort());
                    }
                });
                assertThat(gateways.path("sessions").asInt()).isEqualTo(1);
                assertThat(get(a, "/api/overview").path("gateways")).hasSizeGreaterThanOrEqualTo(2);
            });
        }
    }
}
