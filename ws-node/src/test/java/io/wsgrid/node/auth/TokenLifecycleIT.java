package io.wsgrid.node.auth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens over real sockets: RS256/ES256 PEM keys, a JWKS endpoint (served here by the JDK's HTTP server) whose keys
 * rotate while the node runs, aud/iss/nbf checks, sessions closed with 4001 when their token expires and kept open
 * when the client refreshes it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "wsgrid.auth.mode=jwt",
        "wsgrid.auth.clock-skew=0s",
        "wsgrid.auth.jwks.min-refetch-interval=0s",
        // The expiry sweep runs every fifth of the ping interval: 200 ms here.
        "wsgrid.node.session.ping-interval=1s",
        "wsgrid.auth.tenants.default.jwt-secret=" + TokenLifecycleIT.SECRET,
        "wsgrid.auth.tenants.default.api-key=default-key",
        "wsgrid.auth.tenants.pki.audience=wsgrid",
        "wsgrid.auth.tenants.pki.issuer=https://idp.test",
        "wsgrid.auth.tenants.pki.api-key=pki-key",
        "wsgrid.auth.tenants.idp.api-key=idp-key",
        "wsgrid.auth.tenants.down.api-key=down-key"})
class TokenLifecycleIT {

    static final String SECRET = "lifecycle-secret-lifecycle-secret-0000";
    static final TestKeys HS = TestKeys.hs256(SECRET);
    static final TestKeys RS = TestKeys.rs256("pem-rsa");
    static final TestKeys ES = TestKeys.es256("pem-ec");
    static final TestKeys JWKS_1 = TestKeys.rs256("jwks-1");
    static final TestKeys JWKS_2 = TestKeys.es256("jwks-2");

    static final AtomicInteger jwksFetches = new AtomicInteger();
    static volatile String jwks = "{\"keys\":[" + JWKS_1.publicJwk() + "]}";
    static final HttpServer keyServer = startKeyServer();

    @LocalServerPort
    int port;

    private static HttpServer startKeyServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jwks.json", exchange -> {
                jwksFetches.incrementAndGet();
                byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) throws IOException {
        int nobodyListens = Nodes.freePort();
        registry.add("wsgrid.auth.tenants.pki.public-keys[0]", RS::pem);
        registry.add("wsgrid.auth.tenants.pki.public-keys[1]", ES::pem);
        registry.add("wsgrid.auth.tenants.idp.jwks-url", () -> "http://127.0.0.1:" + keyServer.getAddress().getPort() + "/jwks.json");
        // Nothing listens there: the key server of this tenant is down.
        registry.add("wsgrid.auth.tenants.down.jwks-url", () -> "http://127.0.0.1:" + nobodyListens + "/jwks.json");
    }

    @AfterAll
    static void stopKeyServer() {
        keyServer.stop(0);
    }

    private String url(String query) {
        return "ws://127.0.0.1:" + port + "/ws?" + query;
    }

    private static String pkiToken(TestKeys keys, String user, String audience, String issuer, Instant notBefore) {
        return keys.token(b -> {
            b.subject(user).expirationTime(Date.from(Instant.now().plusSeconds(60))).audience(audience).issuer(issuer);
            if (notBefore != null) {
                b.notBeforeTime(Date.from(notBefore));
            }
        });
    }

    private static String refresh(String token) {
        return "{\"type\":\"refresh\",\"token\":\"" + token + "\"}";
    }

    @Test
    void rs256AndEs256TokensAreAcceptedWithTheTenantsPemKeys() {
        for (TestKeys keys : List.of(RS, ES)) {
            try (WsClient client = WsClient.connect(url("tenant=pki&token=" + pkiToken(keys, "pem-user", "wsgrid", "https://idp.test", null)))) {
                assertThat(client.expect(ServerMessage.Connected.class).user()).as(keys.algorithm().getName()).isEqualTo("pem-user");
            }
        }
    }

    @Test
    void wrongAudienceOrIssuerOrAFutureNbfIsRefusedWith4001() {
        Map<String, String> cases = Map.of(
                "wrong aud", pkiToken(RS, "u", "other", "https://idp.test", null),
                "wrong iss", pkiToken(ES, "u", "wsgrid", "https://evil.test", null),
                "nbf in the future", pkiToken(RS, "u", "wsgrid", "https://idp.test", Instant.now().plusSeconds(60)),
                "key of no tenant", pkiToken(TestKeys.rs256("pem-rsa"), "u", "wsgrid", "https://idp.test", null));
        cases.forEach((name, token) -> {
            try (WsClient client = WsClient.connect(url("tenant=pki&token=" + token))) {
                assertThat(client.closeCode()).as(name).isEqualTo(4001);
            }
        });
    }

    @Test
    void aTokenOfOneTenantPresentedForAnotherIsRefused() {
        String pki = pkiToken(RS, "u", "wsgrid", "https://idp.test", null);
        try (WsClient client = WsClient.connect(url("token=" + pki), Map.of("X-Tenant", "default"))) {
            assertThat(client.closeCode()).isEqualTo(4001);
        }
    }

    @Test
    void jwksKeysAreCachedAndARotatedKeyIsPickedUpWithoutRestart() {
        try (WsClient first = WsClient.connect(url("tenant=idp&token=" + JWKS_1.token("jwks-user", Instant.now().plusSeconds(60), null)));
                WsClient second = WsClient.connect(url("tenant=idp&token=" + JWKS_1.token("jwks-user", Instant.now().plusSeconds(60), null)))) {
            first.expect(ServerMessage.Connected.class);
            second.expect(ServerMessage.Connected.class);
        }
        int fetches = jwksFetches.get();
        assertThat(fetches).as("one fetch, then the cache").isBetween(1, 2);

        jwks = "{\"keys\":[" + JWKS_2.publicJwk() + "]}";
        try (WsClient rotated = WsClient.connect(url("tenant=idp&token=" + JWKS_2.token("jwks-user", Instant.now().plusSeconds(60), null)))) {
            assertThat(rotated.expect(ServerMessage.Connected.class).user()).isEqualTo("jwks-user");
        }
        assertThat(jwksFetches.get()).as("the unknown kid made the node fetch the set again").isEqualTo(fetches + 1);
        try (WsClient retired = WsClient.connect(url("tenant=idp&token=" + TestKeys.rs256("jwks-3").token("jwks-user", Instant.now().plusSeconds(60), null)))) {
            assertThat(retired.closeCode()).isEqualTo(4001);
        }
    }

    @Test
    void whileTheKeyServerIsDownSessionsAreToldToTryAgainLater() {
        try (WsClient client = WsClient.connect(url("tenant=down&token=" + JWKS_1.token("u", Instant.now().plusSeconds(60), null)))) {
            assertThat(client.closeCode()).isEqualTo(1013);
        }
    }

    @Test
    void aSessionIsClosedWith4001WhenItsTokenExpires() {
        Instant exp = Instant.now().plusSeconds(2);
        try (WsClient client = WsClient.connected(url("token=" + HS.token("short-lived", exp, null)))) {
            client.send("{\"type\":\"ping\",\"id\":\"1\"}");
            assertThat(client.expect(ServerMessage.Pong.class).id()).isEqualTo("1");
            assertThat(client.closeCode()).isEqualTo(4001);
            assertThat(Instant.now()).as("not closed before exp").isAfterOrEqualTo(exp.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
    }

    @Test
    void aRefreshedSessionStaysOpenPastItsFirstTokensExpiry() throws Exception {
        Instant exp = Instant.now().plusSeconds(2);
        try (WsClient client = WsClient.connected(url("token=" + HS.token("refresher", exp, null)))) {
            Instant later = Instant.now().plusSeconds(60);
            client.send(refresh(HS.token("refresher", later, null)));
            assertThat(client.expect(ServerMessage.Refreshed.class).exp()).isEqualTo(later.getEpochSecond());
            // Nothing arrives, not even a close, until well past the first token's exp.
            long waitMillis = Duration.between(Instant.now(), exp).toMillis() + 1_500;
            assertThat(client.receivesWithin(waitMillis)).isFalse();
            assertThat(client.isClosed()).isFalse();
            client.send("{\"type\":\"ping\",\"id\":\"2\"}");
            assertThat(client.expect(ServerMessage.Pong.class).id()).isEqualTo("2");
        }
    }

    @Test
    void aRefreshForAnotherUserIsForbiddenAndABadTokenClosesWith4001() {
        // The idp tenant verifies refreshes off the event loop (its keys may need a fetch).
        try (WsClient client = WsClient.connected(url("tenant=idp&token=" + JWKS_1.token("idp-user", Instant.now().plusSeconds(60), null)))) {
            client.send(refresh(JWKS_1.token("someone-else", Instant.now().plusSeconds(60), null)));
            assertThat(client.expect(ServerMessage.ErrorReply.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            client.send("{\"type\":\"ping\",\"id\":\"3\"}");
            assertThat(client.expect(ServerMessage.Pong.class).id()).isEqualTo("3");
            client.send(refresh(JWKS_1.token("idp-user", Instant.now().minusSeconds(10), null)));
            assertThat(client.closeCode()).isEqualTo(4001);
        }
        try (WsClient client = WsClient.connected(url("token=" + HS.token("hs-user", Instant.now().plusSeconds(60), null)))) {
            client.send(refresh("not.a.jwt"));
            assertThat(client.closeCode()).isEqualTo(4001);
        }
    }
}
