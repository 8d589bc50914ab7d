package io.wsgrid.gateway.admin;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The admin UI and API.
 *
 * @param username        the admin user (HTTP Basic for scripts, the login form for the UI).
 * @param password        the admin password; when empty a random one is generated and logged at startup (fine for a
 *                        local run, never for production).
 * @param apiKeys         per tenant, the nodes' REST API key the gateway uses when the admin sends a message or looks
 *                        a user up for that tenant (not needed when the nodes run with {@code wsgrid.auth.mode=none}).
 * @param pollInterval    how often the nodes' stats and health are collected for the nodes view, the overview and
 *                        the charts' history (one sample per poll).
 * @param history         how far back the overview's charts and {@code GET /api/history} reach. The gateway keeps
 *                        {@code history / poll-interval} samples in memory (300 by default, a few hundred bytes each
 *                        plus a little per backend), so a page opened later still sees the last minutes. At most
 *                        100,000 samples.
 * @param errorStaleAfter how long a backend that is up again still shows its last error (with its time). A DOWN
 *                        backend always shows it; past this age an UP, draining or disabled backend does not, so
 *                        an old {@code ConnectException} does not look like a current problem.
 */
@Validated
@ConfigurationProperties("wsgrid.admin")
public record AdminProperties(
        @DefaultValue("admin") String username,
        @DefaultValue("") String password,
        @DefaultValue Map<String, String> apiKeys,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("10m") @NotNull Duration history,
        @DefaultValue("60s") @NotNull Duration errorStaleAfter) {

    /** Samples the history keeps: one per poll over the history window. */
    public int historySamples() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, history.toMillis() / Math.max(1, pollInterval.toMillis())));
    }

    @AssertTrue(message = "wsgrid.admin.poll-interval must be positive, and wsgrid.admin.history at least one poll "
            + "interval and at most 100000 of them")
    boolean isHistoryValid() {
        return pollInterval != null && history != null && pollInterval.isPositive() && history.compareTo(pollInterval) >= 0
                && history.toMillis() / pollInterval.toMillis() <= 100_000;
    }
}
