package io.wsgrid.common.protocol;

/**
 * WebSocket close codes used by wsgrid and what a client should do on each. Codes below 4500 mean "reconnect with
 * backoff" (1012 means "reconnect now"); 4001 and codes from 4500 to 4999 mean "do not reconnect".
 */
public enum CloseCode {
    NORMAL(1000, "normal closure"),
    /** The node is shutting down. */
    GOING_AWAY(1001, "going away"),
    /** A text frame that is not valid UTF-8 (RFC 6455 section 8.1). */
    INVALID_DATA(1007, "invalid frame payload data"),
    /** Repeated malformed or refused frames. */
    POLICY_VIOLATION(1008, "policy violation"),
    /** An inbound frame exceeded the node's limit. */
    TOO_BIG(1009, "message too big"),
    INTERNAL_ERROR(1011, "internal error"),
    /** The session's node is draining or died behind the gateway: reconnect at once, with jitter. */
    SERVICE_RESTART(1012, "service restart"),
    /** The server is overloaded: reconnect later. */
    TRY_AGAIN_LATER(1013, "try again later"),
    /** Missing, invalid or expired credentials: reconnecting with the same ones is pointless. */
    UNAUTHORIZED(4001, "unauthorized"),
    /** The session could not keep up with its outbound traffic. */
    SLOW_CONSUMER(4008, "slow consumer"),
    /** The session exceeded its inbound rate limit repeatedly. */
    RATE_LIMITED(4029, "rate limited"),
    /** The session was closed by an operator or the REST API (kick). */
    KICKED(4500, "kicked");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    /** A short default reason phrase. */
    public String reason() {
        return reason;
    }

    /** The enum constant for a numeric code, or {@code null} when wsgrid does not define it. */
    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /** Whether a client should reconnect after this code: everything but 4001 and 4500-4999. */
    public static boolean shouldReconnect(int code) {
        return code != UNAUTHORIZED.code && (code < 4500 || code > 4999);
    }

    /** Whether a client should reconnect at once (with jitter only) instead of backing off. */
    public static boolean reconnectImmediately(int code) {
        return code == SERVICE_RESTART.code;
    }
}
