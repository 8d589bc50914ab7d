package io.wsgrid.node.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Authentication of WebSocket sessions and REST callers.
 *
 * @param mode      {@code jwt} (the default): sessions present a JWT (HS256, RS256 or ES256) whose {@code sub} is the
 *                  user, REST callers the tenant's API key. {@code none}: no checks, {@code ?user_id=} names the user;
 *                  for local runs and trusted networks only.
 * @param clockSkew how far the issuer's clock may be off from the node's: a token is accepted until {@code exp} plus
 *                  this, and from {@code nbf} minus this. Larger values tolerate badly synchronised clocks but keep
 *                  expired tokens (and sessions) alive that much longer.
 * @param jwks      how JWKS URLs ({@code tenants.<t>.jwks-url}) are fetched and cached.
 * @param tenants   per-tenant keys and settings, keyed by tenant name (the {@code X-Tenant} header, default
 *                  {@code default}): {@code api-key}, and to verify tokens any of {@code jwt-secret},
 *                  {@code jwt-secrets}, {@code public-keys}, {@code jwks-url}, optionally {@code audience} and
 *                  {@code issuer} (docs/operations.md explains each).
 */
@Validated
@ConfigurationProperties("wsgrid.auth")
public record AuthProperties(
        @DefaultValue("jwt") @NotNull Mode mode,
        @DefaultValue("30s") @NotNull Duration clockSkew,
        @DefaultValue @Valid Jwks jwks,
        @DefaultValue Map<String, Tenant> tenants) {

    public enum Mode { NONE, JWT }

    public AuthProperties {
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("wsgrid.auth.clock-skew must be between 0s and 5m, got " + clockSkew);
        }
        if (mode == Mode.JWT) {
            tenants.forEach((name, tenant) -> tenant.validate("wsgrid.auth.tenants." + name));
        }
    }

    /**
     * Fetching of JSON Web Key Sets.
     *
     * @param cacheTtl           how long a fetched key set is used before it is fetched again. A token whose
     *                           {@code kid} is not in the cached set triggers a fetch at once (rate limited), so
     *                           rotated keys are picked up without waiting for this.
     * @param minRefetchInterval at most one fetch per tenant in this interval, whatever tokens arrive: an attacker
     *                           sending tokens with random {@code kid}s cannot make the node hammer the key server.
     * @param timeout            connect and read timeout of one fetch; a session whose keys cannot be fetched is
     *                           closed with 1013 (try again later).
     */
    public record Jwks(
            @DefaultValue("5m") @NotNull Duration cacheTtl,
            @DefaultValue("30s") @NotNull Duration minRefetchInterval,
            @DefaultValue("2s") @NotNull Duration timeout) {

        public Jwks {
            if (cacheTtl.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("wsgrid.auth.jwks.cache-ttl must be at least 1s, got " + cacheTtl);
            }
            if (minRefetchInterval.isNegative() || minRefetchInterval.compareTo(cacheTtl) >= 0) {
                throw new IllegalArgumentException("wsgrid.auth.jwks.min-refetch-interval must be between 0s and cache-ttl ("
                        + cacheTtl + "), got " + minRefetchInterval);
            }
            if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("wsgrid.auth.jwks.timeout must be between 1ms and 1m, got " + timeout);
            }
        }
    }

    /**
     * Keys and settings of one tenant. A session token is accepted when any of the tenant's keys verifies it; set
     * at least one of {@code jwt-secret}, {@code jwt-secrets}, {@code public-keys}, {@code jwks-url}.
     *
     * @param jwtSecret  HS256 key for session tokens, at least 32 bytes (256 bits) as RFC 7518 requires.
     * @param jwtSecrets more HS256 keys accepted besides {@code jwt-secret}: to rotate a secret, list the old one here
     *                   until the tokens signed with it have expired.
     * @param publicKeys PEM public keys ({@code -----BEGIN PUBLIC KEY-----} or a {@code CERTIFICATE}): RSA keys verify
     *                   RS256 tokens, EC P-256 keys ES256 tokens.
     * @param jwksUrl    an http(s) URL of the issuer's JSON Web Key Set (RS256 and ES256 keys, picked by {@code kid}),
     *                   fetched and cached as {@code wsgrid.auth.jwks} says.
     * @param audience   when set, tokens must carry this value in {@code aud}.
     * @param issuer     when set, tokens must carry exactly this {@code iss}. Tenants that share keys (one identity
     *                   provider) must set distinct audiences or issuers, or a token of one is accepted by the other.
     * @param apiKey     the value REST callers send in {@code X-Api-Key}.
     */
    public record Tenant(
            String jwtSecret,
            @DefaultValue List<String> jwtSecrets,
            @DefaultValue List<String> publicKeys,
            URI jwksUrl,
            String audience,
            String issuer,
            String apiKey) {

        /** The HS256 secrets, {@code jwt-secret} first. */
        List<String> secrets() {
            return jwtSecret == null ? jwtSecrets : Stream.concat(Stream.of(jwtSecret), jwtSecrets.stream()).toList();
        }

        void validate(String prefix) {
            if (jwtSecret == null && jwtSecrets.isEmpty() && publicKeys.isEmpty() && jwksUrl == null) {
                throw new IllegalArgumentException(prefix + " has no key: set jwt-secret, jwt-secrets, public-keys or jwks-url");
            }
            if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException(prefix + ".jwt-secret must be at least 32 bytes for HS256");
            }
            for (int i = 0; i < jwtSecrets.size(); i++) {
                if (jwtSecrets.get(i).getBytes(StandardCharsets.UTF_8).length < 32) {
                    throw new IllegalArgumentException(prefix + ".jwt-secrets[" + i + "] must be at least 32 bytes for HS256");
                }
            }
            for (int i = 0; i < publicKeys.size(); i++) {
                try {
                    PemKeys.parse(publicKeys.get(i));
                }
                catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(prefix + ".public-keys[" + i + "] " + e.getMessage(), e);
                }
            }
            if (jwksUrl != null && (!jwksUrl.isAbsolute() || !("https".equals(jwksUrl.getScheme()) || "http".equals(jwksUrl.getScheme()))
                    || jwksUrl.getHost() == null)) {
                throw new IllegalArgumentException(prefix + ".jwks-url must be an absolute http(s) URL, got " + jwksUrl);
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException(prefix + ".api-key must be set");
            }
        }
    }
}
