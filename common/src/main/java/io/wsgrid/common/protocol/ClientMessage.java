package io.wsgrid.common.protocol;

/**
 * A frame a client sends to a node. The set is closed: a switch over it is exhaustive, so adding a type is a compile
 * error wherever frames are handled.
 */
public sealed interface ClientMessage {

    /** Application-level ping; the node answers {@link ServerMessage.Pong} with the same id. */
    record Ping(String id) implements ClientMessage {
    }

    /** Joins this session to a group. */
    record Join(String group) implements ClientMessage {
    }

    /** Leaves a group. */
    record Leave(String group) implements ClientMessage {
    }

    /** Publishes {@code data} to every session in {@code group}, when the node's policy allows it. */
    record Publish(String group, RawJson data) implements ClientMessage {
    }

    /** Sends {@code data} to every session of {@code user}, when the node's policy allows it. */
    record Send(String user, RawJson data) implements ClientMessage {
    }
}
