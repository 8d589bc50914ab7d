package io.wsgrid.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.proc.BadJWTException;
import io.wsgrid.common.protocol.Names;
import io.wsgrid.node.auth.AuthProperties.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Decides who a WebSocket session belongs to and whether a REST caller may act for a tenant. Thread-safe. Tokens are
 * verified with the keys of the tenant named by the upgrade request, so a token of one tenant does not open a session
 * in another (unless both trust the same keys; see {@link AuthProperties.Tenant#issuer()}). Secrets are compared in
 * constant time. Only tenants with a JWKS URL may block (see {@link #mayBlock}).
 */
@Component
public class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    /** The tenant when a request names none. */
    public static final String DEFAULT_TENANT = "default";

    /** The outcome of authenticating a session. */
    public sealed interface Result {
        /**
         * @param groups  what the token's {@code groups} claim grants ({@link GroupClaims#NONE} with auth off)
         * @param expires the token's {@code exp}; {@code null} with auth off (the session never expires)
         */
        record Allowed(String tenant, String user, GroupClaims groups, Instant expires) implements Result {
        }

        /** Refused: close with 4001. */
        record Denied(String reason) implements Result {
        }

        /** The tenant's key set could not be fetched: close with 1013, the client may retry the same token. */
        record Unavailable(String reason) implements Result {
        }
    }

    private final Mode mode;
    private final Map<String, TenantKeys> keys = new HashMap<>();
    private final Map<String, byte[]> apiKeys = new HashMap<>();
    private final long clockSkewMillis;
    private final Clock clock;

    public Authenticator(AuthProperties properties, Clock clock) {
        this.mode = properties.mode();
        this.clockSkewMillis = properties.clockSkew().toMillis();
        this.clock = clock;
        properties.tenants().forEach((name, tenant) -> {
            if (mode == Mode.JWT) {
                keys.put(name, new TenantKeys(tenant, properties, clock));
            }
            if (tenant.apiKey() != null) {
                apiKeys.put(name, tenant.apiKey().getBytes(StandardCharsets.UTF_8));
            }
        });
        if (mode == Mode.JWT && keys.isEmpty()) {
            log.warn("wsgrid.auth.mode=jwt but no wsgrid.auth.tenants.<tenant> has keys: every session and REST call "
                    + "will be refused. Configure tenants, or set wsgrid.auth.mode=none for a local run.");
        }
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Until when (epoch ms) a session authenticated with a token expiring at {@code expires} may stay open: the
     * token's {@code exp} plus the clock skew, as at the handshake; {@link Long#MAX_VALUE} for {@code null} (auth off).
     */
    public long sessionDeadline(Instant expires) {
        return expires == null ? Long.MAX_VALUE : expires.toEpochMilli() + clockSkewMillis;
    }

    /**
     * Whether authenticating a session of {@code tenant} may wait for the network (its JWKS is fetched when the cache
     * is cold or a token names an unknown {@code kid}); callers on an event loop move such calls elsewhere.
     */
    public boolean mayBlock(String tenant) {
        TenantKeys tenantKeys = keys.get(tenant);
        return tenantKeys != null && tenantKeys.remote();
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
            return Names.isValid(userId) ? new Result.Allowed(tenant, userId, GroupClaims.NONE, null) : new Result.Denied("user_id is required");
        }
        return verify(tenant, token);
    }

    /** Verifies a token of {@code tenant} (mode {@code jwt}); may block when {@link #mayBlock} says so. */
    public Result verify(String tenant, String token) {
        TenantKeys tenantKeys = keys.get(tenant);
        if (tenantKeys == null) {
            return new Result.Denied("unknown tenant");
        }
        if (token == null || token.isEmpty()) {
            return new Result.Denied("token is required");
        }
        try {
            TenantKeys.Token verified = tenantKeys.verify(token);
            return Names.isValid(verified.user())
                    ? new Result.Allowed(tenant, verified.user(), verified.groups(), verified.expires())
                    : new Result.Denied("token has no valid sub");
        }
        catch (BadJWTException e) {
            // Nimbus' messages ("Expired JWT", "JWT before use time", ...) are fit for clients; a close reason
            // must stay within 123 bytes.
            String reason = e.getMessage() == null ? "token refused" : e.getMessage();
            return new Result.Denied(reason.length() > 100 ? reason.substring(0, 100) : reason);
        }
        catch (BadJOSEException e) {
            return new Result.Denied("bad token signature or unknown key");
        }
        catch (RateLimitReachedException e) {
            // A kid not in the cached set, and the set was fetched moments ago: a key published just now, or a forged
            // kid. Either way the client may retry later, when a refetch is allowed again.
            return new Result.Unavailable("token key not known yet, try again later");
        }
        catch (KeySourceException e) {
            if (tenantKeys.shouldWarn(clock.millis())) {
                log.warn("tenant {}: could not fetch the JWKS to verify a token (sessions are closed with 1013 until it "
                        + "works again): {}", tenant, e.getMessage());
            }
            return new Result.Unavailable("token keys unavailable, try again later");
        }
        catch (ParseException | JOSEException | RuntimeException e) {
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
