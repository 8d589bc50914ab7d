package io.wsgrid.common.protocol;

import java.util.Map;

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

    /**
     * First frame of a session opened with {@code resume=1}: the last positions the client saw. The node joins the
     * listed groups, replays what came after each position, then answers {@link ServerMessage.Resumed}.
     *
     * @param user   the last position seen in the user's stream, or {@code null} when the client saw none
     * @param groups the last position seen per group; a {@code null} position means "join, nothing seen yet"
     */
    record Resume(StreamPosition user, Map<String, StreamPosition> groups) implements ClientMessage {

        public Resume {
            groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
        }
    }

    /** Replaces the session's token before it expires; answered with {@link ServerMessage.Refreshed}. */
    record Refresh(String token) implements ClientMessage {
    }
}
