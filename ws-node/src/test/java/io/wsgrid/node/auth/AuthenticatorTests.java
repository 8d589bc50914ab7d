package io.wsgrid.node.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.wsgrid.node.auth.AuthProperties.Mode;
import io.wsgrid.node.auth.Authenticator.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorTests {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String OLD_SECRET = "fedcba9876543210fedcba9876543210";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(5);

    private final TestKeys hs = TestKeys.hs256(SECRET);
    private final TestKeys rs = TestKeys.rs256("rsa-1");
    private final TestKeys es = TestKeys.es256("ec-1");

    private final Authenticator jwt = new Authenticator(new AuthProperties(Mode.JWT, SKEW, jwks(), Map.of(
            "t", tenant(SECRET, List.of(OLD_SECRET), List.of(), null, null, "key-t"),
            "pki", tenant(null, List.of(), List.of(rs.pem(), es.pem()), "wsgrid", "https://idp.example", "key-pki"))),
            Clock.fixed(NOW, ZoneOffset.UTC));

    static AuthProperties.Jwks jwks() {
        return new AuthProperties.Jwks(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    static AuthProperties.Tenant tenant(String secret, List<String> secrets, List<String> pems, String audience, String issuer, String apiKey) {
        return new AuthProperties.Tenant(secret, secrets, pems, null, audience, issuer, apiKey);
    }

    @Test
    void expiryAndNotBeforeAreEnforcedAgainstTheClockWithTheSkew() {
        assertThat(jwt.authenticateSession("t", null, hs.token("u", NOW.plusSeconds(1), null)))
                .isEqualTo(new Result.Allowed("t", "u", GroupClaims.NONE, NOW.plusSeconds(1)));
        assertThat(jwt.authenticateSession("t", null, hs.token("u", NOW.minusSeconds(4), null)))
                .as("expired within the skew").isInstanceOf(Result.Allowed.class);
        assertThat(jwt.authenticateSession("t", null, hs.token("u", NOW.minusSeconds(6), null))).isEqualTo(new Result.Denied("Expired JWT"));
        assertThat(jwt.authenticateSession("t", null, hs.token(b -> b.subject("u"))))
                .isEqualTo(new Result.Denied("JWT missing required claims: [exp]"));
        assertThat(jwt.authenticateSession("t", null, hs.token(b -> b.subject("u").expirationTime(Date.from(NOW.plusSeconds(60)))
                .notBeforeTime(Date.from(NOW.plusSeconds(30)))))).isEqualTo(new Result.Denied("JWT before use time"));
        assertThat(jwt.sessionDeadline(NOW)).isEqualTo(NOW.plus(SKEW).toEpochMilli());
    }

    @Test
    void theSubIsRequired() {
        assertThat(jwt.authenticateSession("t", null, hs.token(b -> b.expirationTime(Date.from(NOW.plusSeconds(60))))))
                .isInstanceOf(Result.Denied.class);
    }

    @Test
    void everyConfiguredSecretVerifiesSoSecretsCanBeRotated() {
        assertThat(jwt.authenticateSession("t", null, TestKeys.hs256(OLD_SECRET).token("u", NOW.plusSeconds(60), null)))
                .isInstanceOf(Result.Allowed.class);
        assertThat(jwt.authenticateSession("t", null, TestKeys.hs256("another-secret-another-secret-0000").token("u", NOW.plusSeconds(60), null)))
                .isEqualTo(new Result.Denied("bad token signature or unknown key"));
    }

    @Test
    void rs256AndEs256TokensVerifyWithTheTenantsPemKeys() {
        String rsToken = rs.token(b -> b.subject("r").expirationTime(Date.from(NOW.plusSeconds(60))).audience("wsgrid").issuer("https://idp.example"));
        String esToken = es.token(b -> b.subject("e").expirationTime(Date.from(NOW.plusSeconds(60))).audience("wsgrid").issuer("https://idp.example"));
        assertThat(jwt.authenticateSession("pki", null, rsToken)).isInstanceOf(Result.Allowed.class);
        assertThat(jwt.authenticateSession("pki", null, esToken)).isInstanceOf(Result.Allowed.class);
        String otherKey = TestKeys.rs256("rsa-1").token(b -> b.subject("r").expirationTime(Date.from(NOW.plusSeconds(60)))
                .audience("wsgrid").issuer("https://idp.example"));
        assertThat(jwt.authenticateSession("pki", null, otherKey)).isInstanceOf(Result.Denied.class);
    }

    @Test
    void audienceAndIssuerAreCheckedWhenTheTenantSetsThem() {
        String wrongAudience = rs.token(b -> b.subject("r").expirationTime(Date.from(NOW.plusSeconds(60))).audience("other").issuer("https://idp.example"));
        String noAudience = rs.token(b -> b.subject("r").expirationTime(Date.from(NOW.plusSeconds(60))).issuer("https://idp.example"));
        String wrongIssuer = rs.token(b -> b.subject("r").expirationTime(Date.from(NOW.plusSeconds(60))).audience("wsgrid").issuer("https://evil.example"));
        assertThat(jwt.authenticateSession("pki", null, wrongAudience)).isInstanceOf(Result.Denied.class);
        assertThat(jwt.authenticateSession("pki", null, noAudience)).isInstanceOf(Result.Denied.class);
        assertThat(jwt.authenticateSession("pki", null, wrongIssuer)).isInstanceOf(Result.Denied.class);
    }

    @Test
    void aTokenOfOneTenantDoesNotOpenASessionInAnother() {
        String forT = hs.token("u", NOW.plusSeconds(60), null);
        assertThat(jwt.authenticateSession("pki", null, forT)).isInstanceOf(Result.Denied.class);
        assertThat(jwt.authenticateSession("nobody", null, forT)).isEqualTo(new Result.Denied("unknown tenant"));
    }

    @Test
    void theGroupsClaimBecomesTheSessionsGrants() {
        Result result = jwt.authenticateSession("t", null, hs.token("u", NOW.plusSeconds(60), List.of("room:42", "news:*")));
        GroupClaims groups = ((Result.Allowed) result).groups();
        assertThat(groups.matches("room:42")).isTrue();
        assertThat(groups.matches("room:43")).isFalse();
        assertThat(groups.matches("news:sport")).isTrue();
        assertThat(jwt.authenticateSession("t", null, hs.token(b -> b.subject("u").expirationTime(Date.from(NOW.plusSeconds(60)))
                .claim("groups", "room:42")))).isEqualTo(new Result.Denied("groups claim must be an array of strings"));
    }

    @Test
    void malformedTokensAreDenied() {
        assertThat(jwt.authenticateSession("t", null, "not.a.jwt")).isEqualTo(new Result.Denied("malformed token"));
        assertThat(jwt.authenticateSession("t", null, null)).isEqualTo(new Result.Denied("token is required"));
    }

    @Test
    void userIdIsIgnoredWhenTokensAreRequired() {
        assertThat(jwt.authenticateSession("t", "mallory", null)).isEqualTo(new Result.Denied("token is required"));
    }

    @Test
    void apiKeysAreCheckedPerTenant() {
        assertThat(jwt.apiKeyMatches("t", "key-t")).isTrue();
        assertThat(jwt.apiKeyMatches("t", "key-x")).isFalse();
        assertThat(jwt.apiKeyMatches("t", null)).isFalse();
        assertThat(jwt.apiKeyMatches("other", "key-t")).isFalse();
    }

    @Test
    void modeNoneTakesTheUserIdAsGiven() {
        Authenticator none = new Authenticator(new AuthProperties(Mode.NONE, SKEW, jwks(), Map.of()), Clock.systemUTC());
        assertThat(none.authenticateSession("default", "alice", null)).isEqualTo(new Result.Allowed("default", "alice", GroupClaims.NONE, null));
        assertThat(none.authenticateSession("default", null, null)).isEqualTo(new Result.Denied("user_id is required"));
        assertThat(none.authenticateSession("default", "bad\nname", null)).isInstanceOf(Result.Denied.class);
        assertThat(none.apiKeyMatches("any", null)).isTrue();
        assertThat(none.sessionDeadline(null)).isEqualTo(Long.MAX_VALUE);
    }
}
