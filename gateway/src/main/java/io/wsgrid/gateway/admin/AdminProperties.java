package io.wsgrid.gateway.admin;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The admin UI and API.
 *
 * @param username     the admin user (HTTP Basic for scripts, the login form for the UI).
 * @param password     the admin password; when empty a random one is generated and logged at startup (fine for a local
 *                     run, never for production).
 * @param apiKeys      per tenant, the nodes' REST API key the gateway uses when the admin sends a message for that
 *                     tenant (not needed when the nodes run with {@code wsgrid.auth.mode=none}).
 * @param pollInterval how often the nodes' stats and health are collected for the nodes view and the overview.
 */
@ConfigurationProperties("wsgrid.admin")
public record AdminProperties(
        @DefaultValue("admin") String username,
        @DefaultValue("") String password,
        @DefaultValue Map<String, String> apiKeys,
        @DefaultValue("2s") Duration pollInterval) {
}
