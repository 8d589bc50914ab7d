package io.wsgrid.node.history;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much of every user and group stream is kept for clients that resume after a reconnect.
 *
 * @param size    messages kept per stream; a client that missed more than this many messages of one stream is told
 *                {@code recovered:false} for it. Each kept message costs its frame size (in Redis when clustered), so
 *                memory is roughly streams x size x message size.
 * @param ttl     how long each message stays replayable. Longer lets clients recover from longer outages, at the cost
 *                of memory for streams nobody resumes.
 * @param metaTtl how long a stream's offset counter and epoch outlive its last message. After this idle time the
 *                stream starts again at offset 1 under a new epoch (clients with older positions are told
 *                {@code recovered:false}); keep it well above the longest time a client stays disconnected.
 */
@Validated
@ConfigurationProperties("wsgrid.history")
public record HistoryProperties(
        @DefaultValue("100") @Min(1) @Max(100_000) int size,
        @DefaultValue("10m") @NotNull Duration ttl,
        @DefaultValue("24h") @NotNull Duration metaTtl) {

    public HistoryProperties {
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("wsgrid.history.ttl must be at least 1s, got " + ttl);
        }
        if (metaTtl.compareTo(ttl) < 0) {
            throw new IllegalArgumentException("wsgrid.history.meta-ttl (" + metaTtl + ") must not be shorter than wsgrid.history.ttl (" + ttl + ")");
        }
    }
}
