package io.wsgrid.common.protocol;

/** The {@code code} of an {@code error} frame. */
public enum ErrorCode {
    /** Malformed JSON, an unknown type, a missing or invalid field. */
    BAD_REQUEST("bad_request"),
    /** The node's policy does not allow this action for this session. */
    FORBIDDEN("forbidden"),
    /** The frame exceeds the node's inbound limit. */
    TOO_LARGE("too_large"),
    /** The session sends faster than its rate limit. */
    RATE_LIMITED("rate_limited");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The value on the wire, e.g. {@code bad_request}. */
    public String wire() {
        return wire;
    }

    /** The code for a wire value, or {@code null} when unknown. */
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return code;
            }
        }
        return null;
    }
}
