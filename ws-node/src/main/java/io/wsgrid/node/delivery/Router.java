package io.wsgrid.node.delivery;

import java.util.List;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.session.Session;

/**
 * Where encoded messages go: this node's sessions alone ({@code memory}) or every node's ({@code redis},
 * {@code rabbitmq}). Also keeps the presence and group membership the REST API reports. Every method returns at once;
 * none blocks on I/O.
 *
 * <p>Exactly-once for queued messages: {@link #toUser} queues a message only when the user has no session anywhere,
 * and {@link #opened} registers a session and takes its user's queue in one atomic step, so a message racing a
 * connect is either delivered live or drained, never both and never neither.
 */
public interface Router {

    /** What the REST API reports about a user. */
    record UserView(String user, boolean online, int sessions, List<String> nodes) {
    }

    /** What the REST API reports about a group. */
    record GroupView(String group, List<String> users, int sessions) {
    }

    /**
     * Delivers an encoded {@code message} frame payload to every session of the user, or queues it when the user has
     * none. Completes with {@code true} when it was queued.
     */
    CompletionStage<Boolean> toUser(String tenant, String user, byte[] message, long acceptedNanos);

    void toGroup(String tenant, String group, byte[] message, long acceptedNanos);

    void broadcast(String tenant, byte[] message, long acceptedNanos);

    /** A session registered in the local hub: records its presence and takes its user's queued messages, oldest first. */
    CompletionStage<List<byte[]>> opened(Session session);

    /** A session left the local hub. */
    void closed(Session session);

    /** A local session joined a group (from its own frame or a membership command). */
    void joined(Session session, String group);

    /** A local session left a group. */
    void left(Session session, String group);

    /** Joins every session of the user, on every node, to the group. */
    CompletionStage<Void> joinUser(String tenant, String user, String group);

    /** Removes every session of the user, on every node, from the group. */
    CompletionStage<Void> leaveUser(String tenant, String user, String group);

    /** Closes every session of the user on every node; completes with how many there were. */
    CompletionStage<Integer> kick(String tenant, String user);

    CompletionStage<UserView> user(String tenant, String user);

    CompletionStage<GroupView> group(String tenant, String group);
}
