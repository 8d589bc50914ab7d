package io.wsgrid.node.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wsgrid.node.auth.AuthProperties.Mode;
import io.wsgrid.node.auth.Authenticator.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorTests {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private final Authenticator jwt = new Authenticator(
            new AuthProperties(Mode.JWT, Map.of("t", new AuthProperties.Tenant(SECRET, "key-t"))), Clock.fixed(NOW, ZoneOffset.UTC));

    private static String token(JWTClaimsSet claims) throws Exception {
        SignedJWT signed = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        signed.sign(new MACSigner(SECRET));
        return signed.serialize();
    }

    @Test
    void expiryIsEnforcedAgainstTheClock() throws Exception {
        String valid = token(new JWTClaimsSet.Builder().subject("u").expirationTime(Date.from(NOW.plusSeconds(1))).build());
        String expired = token(new JWTClaimsSet.Builder().subject("u").expirationTime(Date.from(NOW)).build());
        String noExp = token(new JWTClaimsSet.Builder().subject("u").build());
        String notYet = token(new JWTClaimsSet.Builder().subject("u").expirationTime(Date.from(NOW.plusSeconds(60)))
                .notBeforeTime(Date.from(NOW.plusSeconds(30))).build());
        assertThat(jwt.authenticateSession("t", null, valid)).isEqualTo(new Result.Allowed("t", "u"));
        assertThat(jwt.authenticateSession("t", null, expired)).isEqualTo(new Result.Denied("token expired"));
        assertThat(jwt.authenticateSession("t", null, noExp)).isEqualTo(new Result.Denied("token has no exp"));
        assertThat(jwt.authenticateSession("t", null, notYet)).isEqualTo(new Result.Denied("token not yet valid"));
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
        Authenticator none = new Authenticator(new AuthProperties(Mode.NONE, Map.of()), Clock.systemUTC());
        assertThat(none.authenticateSession("default", "alice", null)).isEqualTo(new Result.Allowed("default", "alice"));
        assertThat(none.authenticateSession("default", null, null)).isEqualTo(new Result.Denied("user_id is required"));
        assertThat(none.authenticateSession("default", "bad\nname", null)).isInstanceOf(Result.Denied.class);
        assertThat(none.apiKeyMatches("any", null)).isTrue();
    }
}
