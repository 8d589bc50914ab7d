package io.wsgrid.node.offline;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Queue of user-directed messages for users with no session anywhere.
 *
 * @param capacity messages kept per user; when full the oldest is dropped (and counted in
 *                 {@code wsgrid_drops_total{reason="offline_cap"}}). Each kept message costs its payload size of memory
 *                 (in Redis when clustered).
 * @param ttl      how long a queued message waits for its user; the whole queue expires this long after its last
 *                 message. Longer TTLs help users with long gaps at the cost of memory for users who never return.
 */
@Validated
@ConfigurationProperties("wsgrid.node.offline")
public record OfflineProperties(
        @DefaultValue("100") @Min(1) int capacity,
        @DefaultValue("30m") @NotNull Duration ttl) {

    public OfflineProperties {
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("wsgrid.node.offline.ttl must be at least 1s, got " + ttl);
        }
    }
}
