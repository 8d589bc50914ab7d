package io.wsgrid.node.auth;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Authentication of WebSocket sessions and REST callers.
 *
 * @param mode    {@code jwt} (the default): sessions present an HS256 JWT whose {@code sub} is the user, REST callers
 *                the tenant's API key. {@code none}: no checks, {@code ?user_id=} names the user; for local runs and
 *                trusted networks only.
 * @param tenants per-tenant secrets, keyed by tenant name (the {@code X-Tenant} header, default {@code default}).
 */
@Validated
@ConfigurationProperties("wsgrid.auth")
public record AuthProperties(@DefaultValue("jwt") @NotNull Mode mode, @DefaultValue Map<String, Tenant> tenants) {

    public enum Mode { NONE, JWT }

    public AuthProperties {
        if (mode == Mode.JWT) {
            tenants.forEach((name, tenant) -> tenant.validate(name));
        }
    }

    /**
     * Secrets of one tenant.
     *
     * @param jwtSecret HS256 key for session tokens, at least 32 bytes (256 bits) as RFC 7518 requires.
     * @param apiKey    the value REST callers send in {@code X-Api-Key}.
     */
    public record Tenant(String jwtSecret, String apiKey) {

        void validate(String name) {
            if (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException("wsgrid.auth.tenants." + name + ".jwt-secret must be at least 32 bytes for HS256");
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("wsgrid.auth.tenants." + name + ".api-key must be set");
            }
        }
    }
}
