package io.wsgrid.gateway.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials of the admin UI and API (HTTP Basic or the UI's login form).
 *
 * @param username the admin user.
 * @param password the admin password; when empty a random one is generated and logged at startup (fine for a local
 *                 run, never for production).
 */
@ConfigurationProperties("wsgrid.admin")
public record AdminProperties(@DefaultValue("admin") String username, @DefaultValue("") String password) {
}
