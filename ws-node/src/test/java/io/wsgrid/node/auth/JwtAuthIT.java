package io.wsgrid.node.auth;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "wsgrid.auth.mode=jwt",
        "wsgrid.auth.tenants.default.jwt-secret=" + JwtAuthIT.SECRET,
        "wsgrid.auth.tenants.default.api-key=default-key",
        "wsgrid.auth.tenants.acme.jwt-secret=acme-secret-acme-secret-acme-secret-0",
        "wsgrid.auth.tenants.acme.api-key=acme-key"})
class JwtAuthIT {

    static final String SECRET = "default-secret-default-secret-default-0";

    @LocalServerPort
    int port;

    static String token(String secret, String subject, Instant expires) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private String url(String query) {
        return "ws://127.0.0.1:" + port + "/ws?" + query;
    }

    @Test
    void aValidTokenNamesTheUser() throws Exception {
        try (WsClient client = WsClient.connect(url("token=" + token(SECRET, "alice", Instant.now().plusSeconds(60))))) {
            assertThat(client.expect(ServerMessage.Connected.class).user()).isEqualTo("alice");
        }
    }

    @Test
    void theTokenMayComeAsABearerHeader() throws Exception {
        String token = token(SECRET, "bearer-user", Instant.now().plusSeconds(60));
        try (WsClient client = WsClient.connect(url(""), Map.of("Authorization", "Bearer " + token))) {
            assertThat(client.expect(ServerMessage.Connected.class).user()).isEqualTo("bearer-user");
        }
    }

    @Test
    void badTokensAreClosedWith4001() throws Exception {
        String now = token(SECRET, "alice", Instant.now().plusSeconds(60));
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build()).serialize();
        Map<String, String> cases = Map.of(
                "wrong secret", "token=" + token("another-secret-another-secret-another-0", "alice", Instant.now().plusSeconds(60)),
                "expired", "token=" + token(SECRET, "alice", Instant.now().minusSeconds(120)),
                "garbage", "token=not.a.jwt",
                "missing", "user_id=alice",
                "unsigned", "token=" + unsigned,
                "tampered", "token=" + now.substring(0, now.length() - 2) + "xx",
                "unknown tenant", "tenant=nobody&token=" + now);
        cases.forEach((name, query) -> {
            try (WsClient client = WsClient.connect(url(query))) {
                assertThat(client.closeCode()).as(name).isEqualTo(4001);
            }
        });
    }

    @Test
    void tokensAreCheckedWithTheirTenantsSecret() throws Exception {
        String acmeToken = token("acme-secret-acme-secret-acme-secret-0", "wile", Instant.now().plusSeconds(60));
        try (WsClient client = WsClient.connect(url("tenant=acme&token=" + acmeToken))) {
            assertThat(client.expect(ServerMessage.Connected.class).user()).isEqualTo("wile");
        }
        try (WsClient client = WsClient.connect(url("token=" + acmeToken))) {
            assertThat(client.closeCode()).isEqualTo(4001);
        }
    }

    @Test
    void restNeedsTheTenantsApiKey() {
        Rest rest = new Rest(port);
        Rest.Response missing = rest.post("/api/v1/broadcast", "{\"data\":1}");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).startsWith("application/problem+json");

        assertThat(rest.with(Map.of("X-Api-Key", "wrong")).post("/api/v1/broadcast", "{\"data\":1}").status()).isEqualTo(401);
        assertThat(rest.with(Map.of("X-Api-Key", "acme-key")).post("/api/v1/broadcast", "{\"data\":1}").status())
                .as("another tenant's key").isEqualTo(401);
        assertThat(rest.with(Map.of("X-Api-Key", "default-key")).post("/api/v1/broadcast", "{\"data\":1}").status()).isEqualTo(202);
        assertThat(rest.with(Map.of("X-Api-Key", "acme-key", "X-Tenant", "acme")).get("/api/v1/users/wile").status()).isEqualTo(200);
    }
}
