package io.wsgrid.node.auth;

import java.time.Instant;
import java.util.List;

import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Joins and publishes over real sockets, allowed or refused by the token's groups claim and namespace config. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "wsgrid.auth.mode=jwt",
        "wsgrid.auth.tenants.default.jwt-secret=" + GroupPermissionsIT.SECRET,
        "wsgrid.auth.tenants.default.api-key=default-key",
        "wsgrid.groups.namespaces.lobby.join=any",
        "wsgrid.groups.namespaces.open.join=any",
        "wsgrid.groups.namespaces.open.publish=any"})
class GroupPermissionsIT {

    static final String SECRET = "groups-secret-groups-secret-groups-0000";
    static final TestKeys HS = TestKeys.hs256(SECRET);

    @LocalServerPort
    int port;

    private WsClient connect(String user, List<String> groups) {
        return WsClient.connected("ws://127.0.0.1:" + port + "/ws?token=" + HS.token(user, Instant.now().plusSeconds(60), groups));
    }

    private static ServerMessage join(WsClient client, String group) {
        client.send("{\"type\":\"join\",\"group\":\"" + group + "\"}");
        return client.next();
    }

    private static void publish(WsClient client, String group, String data) {
        client.send("{\"type\":\"publish\",\"group\":\"" + group + "\",\"data\":\"" + data + "\"}");
    }

    @Test
    void joinsAreAllowedByAnExactClaimAPatternOrAnOpenNamespace() {
        try (WsClient client = connect("alice", List.of("room:42", "news:*"))) {
            assertThat(((ServerMessage.Joined) join(client, "room:42")).group()).isEqualTo("room:42");
            assertThat(((ServerMessage.Joined) join(client, "news:sport")).group()).isEqualTo("news:sport");
            assertThat(((ServerMessage.Joined) join(client, "lobby:main")).group()).isEqualTo("lobby:main");
        }
    }

    @Test
    void aRefusedJoinIsForbiddenAndTheSessionGoesOn() {
        try (WsClient client = connect("bob", List.of("room:42"))) {
            assertThat(join(client, "room:43")).isInstanceOfSatisfying(ServerMessage.ErrorReply.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThat(join(client, "plain")).isInstanceOfSatisfying(ServerMessage.ErrorReply.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            assertThat(((ServerMessage.Joined) join(client, "room:42")).group()).isEqualTo("room:42");
            client.send("{\"type\":\"ping\",\"id\":\"1\"}");
            assertThat(client.expect(ServerMessage.Pong.class).id()).isEqualTo("1");
        }
    }

    @Test
    void publishingNeedsTheClaimUnlessTheNamespaceOpensIt() throws Exception {
        try (WsClient member = connect("carol", List.of("lobby:main", "open:*"));
                WsClient visitor = connect("dave", List.of())) {
            assertThat(join(member, "lobby:main")).isInstanceOf(ServerMessage.Joined.class);
            assertThat(join(visitor, "lobby:main")).as("lobby is open for joining").isInstanceOf(ServerMessage.Joined.class);

            publish(visitor, "lobby:main", "from-visitor");
            assertThat(visitor.expect(ServerMessage.ErrorReply.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(member.receivesWithin(300)).as("the refused message reached nobody").isFalse();

            publish(member, "lobby:main", "from-member");
            assertThat(visitor.expect(ServerMessage.Delivery.class).data().toString()).contains("from-member");
            assertThat(member.expect(ServerMessage.Delivery.class).data().toString()).as("its own copy").contains("from-member");

            assertThat(join(visitor, "open:x")).isInstanceOf(ServerMessage.Joined.class);
            assertThat(join(member, "open:x")).isInstanceOf(ServerMessage.Joined.class);
            publish(visitor, "open:x", "open-to-all");
            assertThat(member.until(m -> m instanceof ServerMessage.Delivery).toString()).contains("open-to-all");
        }
    }
}
