package io.wsgrid.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.wsgrid.common.protocol.Names;
import io.wsgrid.node.auth.AuthProperties.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Decides who a WebSocket session belongs to and whether a REST caller may act for a tenant. Stateless and
 * thread-safe. Secrets are compared in constant time.
 */
@Component
public class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    /** The tenant when a request names none. */
    public static final String DEFAULT_TENANT = "default";

    /** The outcome of authenticating a session. */
    public sealed interface Result {
        record Allowed(String tenant, String user) implements Result {
        }

        record Denied(String reason) implements Result {
        }
    }

    private final Mode mode;
    private final Map<String, MACVerifier> verifiers = new HashMap<>();
    private final Map<String, byte[]> apiKeys = new HashMap<>();
    private final Clock clock;

    public Authenticator(AuthProperties properties, Clock clock) {
        this.mode = properties.mode();
        this.clock = clock;
        properties.tenants().forEach((name, tenant) -> {
            if (tenant.jwtSecret() != null) {
                try {
                    verifiers.put(name, new MACVerifier(tenant.jwtSecret().getBytes(StandardCharsets.UTF_8)));
                }
                catch (JOSEException e) {
                    throw new IllegalArgumentException("wsgrid.auth.tenants." + name + ".jwt-secret: " + e.getMessage(), e);
                }
            }
            if (tenant.apiKey() != null) {
                apiKeys.put(name, tenant.apiKey().getBytes(StandardCharsets.UTF_8));
            }
        });
        if (mode == Mode.JWT && verifiers.isEmpty()) {
            log.warn("wsgrid.auth.mode=jwt but no wsgrid.auth.tenants.<tenant>.jwt-secret is set: every session and REST call "
                    + "will be refused. Configure tenants, or set wsgrid.auth.mode=none for a local run.");
        }
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Authenticates a session from what the handshake carried.
     *
     * @param tenant the requested tenant (already defaulted)
     * @param userId the {@code user_id} query parameter, used only in mode {@code none}
     * @param token  the JWT from {@code ?token=} or {@code Authorization: Bearer}, used only in mode {@code jwt}
     */
    public Result authenticateSession(String tenant, String userId, String token) {
        if (!Names.isValid(tenant)) {
            return new Result.Denied("invalid tenant");
        }
        if (mode == Mode.NONE) {
            return Names.isValid(userId) ? new Result.Allowed(tenant, userId) : new Result.Denied("user_id is required");
        }
        MACVerifier verifier = verifiers.get(tenant);
        if (verifier == null) {
            return new Result.Denied("unknown tenant");
        }
        if (token == null || token.isEmpty()) {
            return new Result.Denied("token is required");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
                return new Result.Denied("token must be signed with HS256");
            }
            if (!jwt.verify(verifier)) {
                return new Result.Denied("bad token signature");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date now = Date.from(clock.instant());
            if (claims.getExpirationTime() == null) {
                return new Result.Denied("token has no exp");
            }
            if (!now.before(claims.getExpirationTime())) {
                return new Result.Denied("token expired");
            }
            if (claims.getNotBeforeTime() != null && now.before(claims.getNotBeforeTime())) {
                return new Result.Denied("token not yet valid");
            }
            String user = claims.getSubject();
            return Names.isValid(user) ? new Result.Allowed(tenant, user) : new Result.Denied("token has no valid sub");
        }
        catch (ParseException | JOSEException e) {
            return new Result.Denied("malformed token");
        }
    }

    /** Whether {@code apiKey} is the tenant's REST key; always true in mode {@code none}. */
    public boolean apiKeyMatches(String tenant, String apiKey) {
        if (mode == Mode.NONE) {
            return true;
        }
        byte[] expected = apiKeys.get(tenant);
        if (expected == null || apiKey == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, apiKey.getBytes(StandardCharsets.UTF_8));
    }
}
