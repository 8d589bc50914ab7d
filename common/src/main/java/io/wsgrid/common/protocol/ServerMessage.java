package io.wsgrid.common.protocol;

import java.util.Map;

/**
 * A frame a node sends to a client. Every frame carries a {@code "type"} on the wire.
 */
public sealed interface ServerMessage {

    /**
     * First frame of every session. {@code heartbeat} is the node's WebSocket ping interval in seconds; {@code top} is
     * the top of the user's stream (null only from nodes that predate streams).
     */
    record Connected(String session, String user, String node, int heartbeat, StreamPosition top) implements ServerMessage {
    }

    /** Answer to {@link ClientMessage.Ping}. */
    record Pong(String id) implements ServerMessage {
    }

    /** The session is now a member of {@code group}; {@code top} is the top of the group's stream (may be null). */
    record Joined(String group, StreamPosition top) implements ServerMessage {
    }

    /** The session is no longer a member of {@code group}. */
    record Left(String group) implements ServerMessage {
    }

    /**
     * A message delivered to this session.
     *
     * @param id       unique, time-ordered (UUIDv7) message id
     * @param from     sending user, or {@code null} for messages sent through the REST API
     * @param target   whom the message was addressed to
     * @param data     the payload, any JSON value
     * @param ts       epoch milliseconds at which the cluster accepted the message
     * @param position offset and epoch in the user's or group's stream; {@code null} for broadcasts
     */
    record Delivery(String id, String from, Target target, RawJson data, long ts, StreamPosition position) implements ServerMessage {
    }

    /**
     * Ends the replay that a {@link ClientMessage.Resume} asked for: {@code recovered} tells whether every message of the
     * user stream after the client's position was replayed, {@code groups} the same per group.
     */
    record Resumed(boolean recovered, Map<String, Boolean> groups) implements ServerMessage {

        public Resumed {
            groups = Map.copyOf(groups);
        }
    }

    /** The session's token was replaced; {@code exp} is the new expiry in epoch seconds. */
    record Refreshed(long exp) implements ServerMessage {
    }

    /** A user's first session joined, or last session left, a group whose namespace enables presence events. */
    record Presence(String group, String user, PresenceEvent event) implements ServerMessage {
    }

    /** What a {@link Presence} frame reports. */
    enum PresenceEvent {
        JOIN("join"), LEAVE("leave");

        private final String wire;

        PresenceEvent(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static PresenceEvent fromWire(String wire) {
            for (PresenceEvent e : values()) {
                if (e.wire.equals(wire)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** A refused or malformed client frame; the session lives on unless abuse repeats. */
    record ErrorReply(ErrorCode code, String message) implements ServerMessage {
    }
}
