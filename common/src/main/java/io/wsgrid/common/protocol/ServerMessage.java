package io.wsgrid.common.protocol;

/**
 * A frame a node sends to a client. Every frame carries a {@code "type"} on the wire.
 */
public sealed interface ServerMessage {

    /** First frame of every session. {@code heartbeat} is the node's WebSocket ping interval in seconds. */
    record Connected(String session, String user, String node, int heartbeat) implements ServerMessage {
    }

    /** Answer to {@link ClientMessage.Ping}. */
    record Pong(String id) implements ServerMessage {
    }

    /** The session is now a member of {@code group}. */
    record Joined(String group) implements ServerMessage {
    }

    /** The session is no longer a member of {@code group}. */
    record Left(String group) implements ServerMessage {
    }

    /**
     * A message delivered to this session.
     *
     * @param id   unique, time-ordered (UUIDv7) message id
     * @param from sending user, or {@code null} for messages sent through the REST API
     * @param target whom the message was addressed to
     * @param data the payload, any JSON value
     * @param ts   epoch milliseconds at which the cluster accepted the message
     */
    record Delivery(String id, String from, Target target, RawJson data, long ts) implements ServerMessage {
    }

    /** A refused or malformed client frame; the session lives on unless abuse repeats. */
    record ErrorReply(ErrorCode code, String message) implements ServerMessage {
    }
}
