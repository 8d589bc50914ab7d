package io.wsgrid.node.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.auth.mode=none", "wsgrid.node.id=test-node"})
class WebSocketEndpointIT {

    @LocalServerPort
    int port;

    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(WsClient::close);
    }

    private WsClient connect(String user) {
        return connect(user, "default");
    }

    private WsClient connect(String user, String tenant) {
        WsClient client = WsClient.connected("ws://127.0.0.1:" + port + "/ws?user_id=" + user + "&tenant=" + tenant);
        clients.add(client);
        return client;
    }

    private Rest rest() {
        return new Rest(port);
    }

    @Test
    void aTextFrameThatIsNotUtf8ClosesTheSessionWith1007() throws Exception {
        try (io.wsgrid.node.support.RawWsClient raw = new io.wsgrid.node.support.RawWsClient(port, "/ws?user_id=badutf8", 65536)) {
            raw.sendText(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertThat(raw.readUntilClose()).isEqualTo(1007);
        }
        WsClient other = connect("badutf8");
        other.send("{\"type\":\"ping\",\"id\":\"still-up\"}");
        assertThat(other.expect(ServerMessage.Pong.class).id()).isEqualTo("still-up");
    }

    @Test
    void connectedFrameCarriesTheTopOfTheUsersStream() {
        String user = "top-" + System.nanoTime();
        rest().post("/api/v1/users/" + user + "/messages", "{\"data\":1}");
        rest().post("/api/v1/users/" + user + "/messages", "{\"data\":2}");
        WsClient client = WsClient.connect("ws://127.0.0.1:" + port + "/ws?user_id=" + user);
        clients.add(client);
        ServerMessage.Connected connected = client.expect(ServerMessage.Connected.class);
        assertThat(connected.top().offset()).isEqualTo(2);
        assertThat(client.expect(Delivery.class).position()).isEqualTo(new io.wsgrid.common.protocol.StreamPosition(1, connected.top().epoch()));
        assertThat(client.expect(Delivery.class).position().offset()).isEqualTo(2);
    }

    @Test
    void connectedFrameNamesSessionUserNodeAndHeartbeat() {
        WsClient client = WsClient.connect("ws://127.0.0.1:" + port + "/ws?user_id=zoe");
        clients.add(client);
        ServerMessage.Connected connected = client.expect(ServerMessage.Connected.class);
        assertThat(connected.user()).isEqualTo("zoe");
        assertThat(connected.node()).isEqualTo("test-node");
        assertThat(connected.heartbeat()).isEqualTo(25);
        assertThat(connected.session()).hasSize(36);
    }

    @Test
    void aUserWithThreeTabsGetsEachMessageOncePerTab() throws Exception {
        List<WsClient> tabs = List.of(connect("alice"), connect("alice"), connect("alice"));
        Rest.Response response = rest().post("/api/v1/users/alice/messages", "{\"data\":{\"n\":1}}");
        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body()).contains("\"status\":\"sent\"");
        for (WsClient tab : tabs) {
            Delivery d = tab.expect(Delivery.class);
            assertThat(d.target()).isEqualTo(new Target.User("alice"));
            assertThat(d.data().json()).isEqualTo("{\"n\":1}");
            assertThat(d.from()).isNull();
            assertThat(response.body()).contains(d.id());
        }
        for (WsClient tab : tabs) {
            assertThat(tab.receivesWithin(200)).as("a second copy").isFalse();
        }
    }

    @Test
    void groupMembersReceiveGroupMessagesUntilTheyLeave() throws Exception {
        WsClient member = connect("gm1");
        WsClient outsider = connect("gm2");
        member.send("{\"type\":\"join\",\"group\":\"news\"}");
        assertThat(member.expect(ServerMessage.Joined.class).group()).isEqualTo("news");

        assertThat(rest().post("/api/v1/groups/news/messages", "{\"data\":\"first\"}").status()).isEqualTo(202);
        Delivery d = member.expect(Delivery.class);
        assertThat(d.target()).isEqualTo(new Target.Group("news"));
        assertThat(d.data().json()).isEqualTo("\"first\"");
        assertThat(outsider.receivesWithin(200)).isFalse();

        member.send("{\"type\":\"leave\",\"group\":\"news\"}");
        assertThat(member.expect(ServerMessage.Left.class).group()).isEqualTo("news");
        rest().post("/api/v1/groups/news/messages", "{\"data\":\"second\"}");
        assertThat(member.receivesWithin(200)).isFalse();
    }

    @Test
    void clientsPublishToGroupsTheyJoinedOnly() {
        WsClient a = connect("pub1");
        WsClient b = connect("pub2");
        a.send("{\"type\":\"publish\",\"group\":\"chat\",\"data\":1}");
        ServerMessage.ErrorReply refused = a.expect(ServerMessage.ErrorReply.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);

        a.send("{\"type\":\"join\",\"group\":\"chat\"}");
        a.expect(ServerMessage.Joined.class);
        b.send("{\"type\":\"join\",\"group\":\"chat\"}");
        b.expect(ServerMessage.Joined.class);
        a.send("{\"type\":\"publish\",\"group\":\"chat\",\"data\":{\"text\":\"hi\"}}");
        Delivery atB = b.expect(Delivery.class);
        assertThat(atB.from()).isEqualTo("pub1");
        assertThat(atB.data().json()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(a.expect(Delivery.class).id()).isEqualTo(atB.id());
    }

    @Test
    void clientsSendToOtherUsers() {
        WsClient a = connect("snd1");
        WsClient b = connect("snd2");
        a.send("{\"type\":\"send\",\"user\":\"snd2\",\"data\":[1,2]}");
        Delivery d = b.expect(Delivery.class);
        assertThat(d.from()).isEqualTo("snd1");
        assertThat(d.target()).isEqualTo(new Target.User("snd2"));
    }

    @Test
    void restMembershipJoinsEverySessionOfTheUser() {
        WsClient tab1 = connect("mem");
        WsClient tab2 = connect("mem");
        assertThat(rest().put("/api/v1/groups/ops/members/mem").status()).isEqualTo(204);
        tab1.expect(ServerMessage.Joined.class);
        tab2.expect(ServerMessage.Joined.class);
        assertThat(rest().get("/api/v1/groups/ops").body()).isEqualTo("{\"group\":\"ops\",\"users\":[\"mem\"],\"sessions\":2,\"members\":[\"mem\"]}");
        rest().post("/api/v1/groups/ops/messages", "{\"data\":true}");
        assertThat(tab1.expect(Delivery.class).data().json()).isEqualTo("true");
        assertThat(tab2.expect(Delivery.class).data().json()).isEqualTo("true");

        assertThat(rest().delete("/api/v1/groups/ops/members/mem").status()).isEqualTo(204);
        tab1.expect(ServerMessage.Left.class);
        assertThat(rest().get("/api/v1/groups/ops").body()).contains("\"sessions\":0");
    }

    @Test
    void broadcastReachesEveryoneInTheTenantOnly() throws Exception {
        List<WsClient> inTenant = List.of(connect("bc1", "bcast"), connect("bc2", "bcast"), connect("bc3", "bcast"));
        WsClient otherTenant = connect("bc1", "elsewhere");
        Rest.Response response = rest().with(Map.of("X-Tenant", "bcast")).post("/api/v1/broadcast", "{\"data\":\"all\"}");
        assertThat(response.status()).isEqualTo(202);
        for (WsClient c : inTenant) {
            assertThat(c.expect(Delivery.class).target()).isEqualTo(Target.Broadcast.INSTANCE);
        }
        assertThat(otherTenant.receivesWithin(200)).isFalse();
    }

    @Test
    void tenantsNeverSeeEachOthersUsersOrGroups() throws Exception {
        WsClient alphaAlice = connect("alice", "alpha");
        WsClient betaAlice = connect("alice", "beta");
        Rest alpha = rest().with(Map.of("X-Tenant", "alpha"));
        alpha.post("/api/v1/users/alice/messages", "{\"data\":\"for alpha\"}");
        assertThat(alphaAlice.expect(Delivery.class).data().json()).isEqualTo("\"for alpha\"");
        assertThat(betaAlice.receivesWithin(200)).isFalse();

        betaAlice.send("{\"type\":\"join\",\"group\":\"shared-name\"}");
        betaAlice.expect(ServerMessage.Joined.class);
        alpha.post("/api/v1/groups/shared-name/messages", "{\"data\":1}");
        assertThat(betaAlice.receivesWithin(200)).isFalse();
        assertThat(alpha.get("/api/v1/groups/shared-name").body()).contains("\"users\":[]");
        assertThat(rest().with(Map.of("X-Tenant", "gamma")).get("/api/v1/users/alice").body()).contains("\"online\":false");
    }

    @Test
    void malformedFramesGetAnErrorAndTheSessionLivesOn() {
        WsClient client = connect("mal");
        client.send("{not json");
        ServerMessage.ErrorReply error = client.expect(ServerMessage.ErrorReply.class);
        assertThat(error.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(error.message()).startsWith("malformed JSON");

        client.send("{\"type\":\"teleport\"}");
        assertThat(client.expect(ServerMessage.ErrorReply.class).message()).isEqualTo("unknown type 'teleport'");
        client.send("{\"type\":\"join\"}");
        assertThat(client.expect(ServerMessage.ErrorReply.class).message()).isEqualTo("'group' is required for type 'join'");

        client.send("{\"type\":\"ping\",\"id\":\"still-alive\"}");
        assertThat(client.expect(ServerMessage.Pong.class).id()).isEqualTo("still-alive");
    }

    @Test
    void aOneMebibyteFrameClosesTheSessionWith1009() {
        WsClient client = connect("big");
        client.sendAndForget("{\"type\":\"ping\",\"id\":\"" + "x".repeat(1024 * 1024) + "\"}");
        assertThat(client.closeCode()).isEqualTo(1009);
    }

    @Test
    void floodingPastTheRateLimitGetsErrorsThenClose4029() {
        WsClient client = connect("flood");
        for (int i = 0; i < 400 && !client.isClosed(); i++) {
            client.send("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
        }
        assertThat(client.closeCode()).isEqualTo(4029);
        assertThat(client.drainRaw()).anyMatch(f -> f.contains("\"code\":\"rate_limited\""));
    }

    @Test
    void messagesForOfflineUsersAreQueuedAndDeliveredInOrderOnConnect() {
        Rest.Response first = rest().post("/api/v1/users/carol/messages", "{\"data\":1}");
        Rest.Response second = rest().post("/api/v1/users/carol/messages", "{\"data\":2}");
        assertThat(first.body()).contains("\"status\":\"queued\"");
        assertThat(second.body()).contains("\"status\":\"queued\"");

        WsClient carol = connect("carol");
        assertThat(carol.expect(Delivery.class).data().json()).isEqualTo("1");
        assertThat(carol.expect(Delivery.class).data().json()).isEqualTo("2");

        WsClient secondTab = connect("carol");
        assertThat(rest().post("/api/v1/users/carol/messages", "{\"data\":3}").body()).contains("\"status\":\"sent\"");
        assertThat(secondTab.expect(Delivery.class).data().json()).isEqualTo("3");
    }

    @Test
    void kickClosesEverySessionOfTheUser() {
        WsClient a = connect("kicked");
        WsClient b = connect("kicked");
        Rest.Response response = rest().delete("/api/v1/users/kicked/sessions");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"closed\":2}");
        assertThat(a.closeCode()).isEqualTo(4500);
        assertThat(b.closeCode()).isEqualTo(4500);
    }

    @Test
    void presenceAndStatsDescribeTheNode() {
        connect("pres");
        connect("pres");
        assertThat(rest().get("/api/v1/users/pres").body())
                .isEqualTo("{\"user\":\"pres\",\"online\":true,\"sessions\":2,\"nodes\":[\"test-node\"]}");
        assertThat(rest().get("/api/v1/users/nobody-here").body())
                .isEqualTo("{\"user\":\"nobody-here\",\"online\":false,\"sessions\":0,\"nodes\":[]}");
        Rest.Response stats = rest().get("/api/v1/stats");
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.body()).contains("\"node\":\"test-node\"").contains("\"shards\":[")
                .containsPattern("\"messages\":\\d+").containsPattern("\"deliveries\":\\d+");
    }

    @Test
    void badRestInputGetsProblemJson() {
        Rest.Response noData = rest().post("/api/v1/users/bob/messages", "{\"text\":1}");
        assertThat(noData.status()).isEqualTo(400);
        assertThat(noData.contentType()).startsWith("application/problem+json");
        assertThat(noData.body()).contains("'data' is required");

        Rest.Response malformed = rest().post("/api/v1/broadcast", "{\"data\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");

        Rest.Response badName = rest().post("/api/v1/users/" + "u".repeat(200) + "/messages", "{\"data\":1}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.contentType()).startsWith("application/problem+json");

        Rest.Response tooBig = rest().post("/api/v1/broadcast", "{\"data\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.contentType()).startsWith("application/problem+json");
    }

    @Test
    void plainHttpOnTheWebSocketPathIsTold426() {
        Rest.Response response = rest().get("/ws?user_id=x");
        assertThat(response.status()).isEqualTo(426);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void healthHasLivenessAndReadinessGroupsAndMetricsAreExported() {
        assertThat(rest().get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
        assertThat(rest().get("/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
        WsClient client = connect("metrics");
        rest().post("/api/v1/users/metrics/messages", "{\"data\":1}");
        client.expect(Delivery.class);
        String scrape = rest().get("/actuator/prometheus").body();
        assertThat(scrape).contains("wsgrid_sessions{").contains("wsgrid_users{")
                .contains("wsgrid_deliveries_total{").contains("kind=\"user\"")
                .contains("wsgrid_drops_total{").contains("wsgrid_delivery_latency_seconds_bucket{");
    }
}
