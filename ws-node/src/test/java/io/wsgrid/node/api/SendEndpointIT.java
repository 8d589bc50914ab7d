package io.wsgrid.node.api;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.auth.TestKeys;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two sends are served twice over: by {@link SendEndpoint} below WebFlux when the body has a
 * {@code Content-Length}, and by the WebFlux routes of {@link SendRoutes} when it comes chunked. Every answer, good or
 * bad, must be the same from both, and the fast path must reach the same users.
 */
class SendEndpointIT {

    private static final TestKeys KEYS = TestKeys.hs256("send-endpoint-secret-send-endpoint-secret");
    private static final Nodes nodes = new Nodes();
    private static Rest rest;
    private static int port;

    @BeforeAll
    static void start() {
        port = nodes.start(List.of("wsgrid.auth.mode=jwt", "wsgrid.auth.tenants.default.jwt-secret=" + KEYS.secret(),
                "wsgrid.auth.tenants.default.api-key=k1"));
        rest = new Rest(port).with(Map.of("X-Api-Key", "k1"));
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    /** Status, content type and body of both paths, with the per-message id and instance-free parts compared. */
    private static void samePath(Rest via, String path, String body) {
        Rest.Response fast = via.post(path, body);
        Rest.Response webflux = via.postChunked(path, body);
        assertThat(fast.status()).as(path + " status").isEqualTo(webflux.status());
        assertThat(fast.contentType()).as(path + " content type").isEqualTo(webflux.contentType());
        if (fast.status() == 202) {
            assertThat(fast.body().replaceAll("\"id\":\"[^\"]+\"", "ID").replaceAll("\"offset\":\\d+", "OFFSET"))
                    .isEqualTo(webflux.body().replaceAll("\"id\":\"[^\"]+\"", "ID").replaceAll("\"offset\":\\d+", "OFFSET"));
        }
        else {
            assertThat(fast.contentType()).startsWith("application/problem+json");
            assertThat(fast.body()).as(path + " problem").isEqualTo(webflux.body());
        }
    }

    @Test
    void everyAnswerIsTheSameFromTheFastPathAndFromWebFlux() {
        samePath(rest, "/api/v1/users/alice/messages", "{\"data\":{\"n\":1}}");
        samePath(rest, "/api/v1/groups/room/messages", "{\"data\":[1,2]}");
        samePath(rest, "/api/v1/users/alice/messages?ignored=1", "{\"data\":1}");
        samePath(rest, "/api/v1/users/bob/messages", "{\"text\":1}");
        samePath(rest, "/api/v1/users/bob/messages", "{\"data\":");
        samePath(rest, "/api/v1/users/bob/messages", "");
        samePath(rest, "/api/v1/users/" + "u".repeat(200) + "/messages", "{\"data\":1}");
        samePath(rest, "/api/v1/groups/room/messages", "{\"data\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        Rest wrongKey = new Rest(port).with(Map.of("X-Api-Key", "wrong"));
        assertThat(wrongKey.post("/api/v1/users/bob/messages", "{\"data\":1}").status()).isEqualTo(401);
        samePath(wrongKey, "/api/v1/users/bob/messages", "{\"data\":1}");
        samePath(new Rest(port).with(Map.of("X-Api-Key", "k1", "X-Tenant", "t".repeat(200))), "/api/v1/users/bob/messages", "{\"data\":1}");
    }

    /** A POST written byte for byte on a socket; returns the whole answer (the connection is closed after it). */
    private static String rawPost(String target, String json) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: k1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aPercentEncodedNameReachesThatUserAndOtherPathsAreNotTaken() throws IOException {
        try (WsClient client = WsClient.connected("ws://127.0.0.1:" + port + "/ws?token="
                + KEYS.token("al ice+bob", Instant.now().plusSeconds(60), List.of()))) {
            Rest.Response sent = rest.post("/api/v1/users/al%20ice+bob/messages", "{\"data\":\"hi\"}");
            assertThat(sent.status()).isEqualTo(202);
            assertThat(sent.body()).contains("\"status\":\"sent\"");
            ServerMessage.Delivery delivery = client.expect(ServerMessage.Delivery.class);
            assertThat(delivery.target()).isEqualTo(new Target.User("al ice+bob"));
            assertThat(delivery.data().toString()).isEqualTo("\"hi\"");
        }
        assertThat(rawPost("/api/v1/users/bad%zzname/messages", "{\"data\":1}")).as("malformed percent-encoding (no URI class sends it)")
                .startsWith("HTTP/1.1 400").contains("application/problem+json").contains("not valid percent-encoding");
        assertThat(rest.post("/api/v1/users/a/b/messages", "{\"data\":1}").status()).as("two segments").isEqualTo(404);
        assertThat(rest.post("/api/v1/users//messages", "{\"data\":1}").status()).as("no name").isIn(404, 400);
    }
}
