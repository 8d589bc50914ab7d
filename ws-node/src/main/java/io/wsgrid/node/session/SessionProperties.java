package io.wsgrid.node.session;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Per-session limits of the WebSocket endpoint.
 *
 * @param path            the WebSocket endpoint path.
 * @param maxFrameSize    largest inbound message (after reassembling fragments); a larger one closes the session
 *                        with 1009. Raising it lets clients publish bigger payloads at the cost of memory per
 *                        in-flight frame.
 * @param outboundQueueSize bytes a session may have queued for sending; beyond it the session is closed with 4008 so
 *                        one slow client cannot hold the node's memory. Higher values tolerate longer stalls (mobile
 *                        networks) but cost up to this much memory per stalled session.
 * @param outboundQueueFrames frames a session may have queued; the same rule in frames.
 * @param pingInterval    how often an idle session gets a WebSocket ping; also told to clients in {@code connected}.
 *                        Keep it below the idle timeout of every proxy in front of the node.
 * @param idleTimeout     a session with no inbound traffic (frames or pongs) for this long is closed.
 * @param compression     whether permessage-deflate may be negotiated. It saves bandwidth for large text payloads but
 *                        costs about 64 KiB of native memory per compressed session.
 * @param allowedOrigins  browser origins allowed to open sessions; empty allows any origin. Requests without an Origin
 *                        header (non-browser clients) are always allowed.
 * @param resumeTimeout   how long a session opened with {@code resume=1} holds its live messages waiting for its
 *                        {@code resume} frame; after it the session carries on as a fresh one. The protocol says 5 s.
 * @param rateLimit       inbound rate limit.
 * @param policy          what clients may do besides joining groups.
 */
@Validated
@ConfigurationProperties("wsgrid.node.session")
public record SessionProperties(
        @DefaultValue("/ws") @NotNull String path,
        @DefaultValue("64KB") @NotNull DataSize maxFrameSize,
        @DefaultValue("1MB") @NotNull DataSize outboundQueueSize,
        @DefaultValue("1024") @Min(1) int outboundQueueFrames,
        @DefaultValue("25s") @NotNull Duration pingInterval,
        @DefaultValue("60s") @NotNull Duration idleTimeout,
        @DefaultValue("false") boolean compression,
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("5s") @NotNull Duration resumeTimeout,
        @DefaultValue @Valid RateLimit rateLimit,
        @DefaultValue @Valid Policy policy) {

    public SessionProperties {
        require(maxFrameSize.toBytes() >= 128 && maxFrameSize.toBytes() <= Integer.MAX_VALUE,
                "wsgrid.node.session.max-frame-size must be between 128B and 2GB, got " + maxFrameSize);
        require(outboundQueueSize.toBytes() >= 1024 && outboundQueueSize.toBytes() <= Integer.MAX_VALUE,
                "wsgrid.node.session.outbound-queue-size must be between 1KB and 2GB, got " + outboundQueueSize);
        require(pingInterval.toMillis() >= 100, "wsgrid.node.session.ping-interval must be at least 100ms, got " + pingInterval);
        require(idleTimeout.compareTo(pingInterval) > 0,
                "wsgrid.node.session.idle-timeout (" + idleTimeout + ") must be longer than ping-interval (" + pingInterval + ")");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Token bucket per session for inbound frames.
     *
     * @param messagesPerSecond sustained rate.
     * @param burst             bucket size: frames a client may send at once.
     * @param closeAfter        refused frames after which the session is closed with 4029.
     */
    public record RateLimit(
            @DefaultValue("100") @Min(1) int messagesPerSecond,
            @DefaultValue("200") @Min(1) int burst,
            @DefaultValue("50") @Min(1) int closeAfter) {
    }

    /**
     * What clients may do over the WebSocket.
     *
     * @param allowPublish  clients may publish to groups they joined.
     * @param allowSend     clients may send to other users.
     * @param maxBadFrames  malformed or refused frames after which the session is closed with 1008.
     */
    public record Policy(
            @DefaultValue("true") boolean allowPublish,
            @DefaultValue("true") boolean allowSend,
            @DefaultValue("50") @Min(1) int maxBadFrames) {
    }
}
