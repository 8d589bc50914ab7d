package io.wsgrid.node.delivery;

import java.util.List;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.SessionLifecycle;

/**
 * Where encoded messages go: this node's sessions alone ({@code memory}) or every node's ({@code redis},
 * {@code rabbitmq}). Also keeps the presence and group membership the REST API reports. Every method returns at once;
 * none blocks on I/O.
 *
 * <p>Durability: a user or group message is appended to its stream's history before the stage of {@link #toUser} or
 * {@link #toGroup} completes; a stage that fails means the message was not accepted.
 *
 * <p>Exactly-once for queued messages: {@link #toUser} queues a message only when the user has no session anywhere,
 * and {@link #opened} registers a session and takes its user's queue in one atomic step, so a message racing a
 * connect is either delivered live or drained, never both and never neither.
 */
public interface Router extends SessionLifecycle {

    /** What the REST API reports about a user. */
    record UserView(String user, boolean online, int sessions, List<String> nodes) {
    }

    /** What the REST API reports about a group. */
    record GroupView(String group, List<String> users, int sessions) {
    }

    /** Where a user message went: its position in the user stream, and whether it was queued (user offline). */
    record UserSent(StreamPosition position, boolean queued) {
    }

    /**
     * Appends an encoded {@code message} frame without position to the user's stream, then delivers it to every
     * session of the user, or queues it when the user has none.
     */
    CompletionStage<UserSent> toUser(String tenant, String user, byte[] message, long acceptedNanos);

    /** Appends to the group's stream, then delivers to every session in the group; completes with its position. */
    CompletionStage<StreamPosition> toGroup(String tenant, String group, byte[] message, long acceptedNanos);

    /** Delivers to every session of the tenant, live only. */
    void broadcast(String tenant, byte[] message, long acceptedNanos);

    /** A local session joined a group (from its own frame or a membership command). */
    void joined(Session session, String group);

    /** A local session left a group. */
    void left(Session session, String group);

    /**
     * Makes the user a durable member of the group: stored (Redis when clustered, memory standalone), every session of
     * the user on every node joins now, and every session the user opens later joins as it opens, until
     * {@link #leaveUser}. Survives reconnects and, when clustered, the death of any node.
     */
    CompletionStage<Void> joinUser(String tenant, String user, String group);

    /** Ends the user's durable membership and removes every session of the user, on every node, from the group. */
    CompletionStage<Void> leaveUser(String tenant, String user, String group);

    /** The group's durable members (set by {@link #joinUser}), sorted. */
    CompletionStage<List<String>> members(String tenant, String group);

    /**
     * Writes a {@code message} frame (no stream position: live only, not in any history), encoded by {@code encode}
     * from the session's user, to one session wherever it is in the cluster. Completes with false when no live node
     * has a session with that id in the tenant. A session that closes while the message travels does not get it.
     */
    CompletionStage<Boolean> toSession(String tenant, String session, java.util.function.Function<String, byte[]> encode,
            long acceptedNanos);

    /** Closes one session with 4500, wherever it is; completes with false when there is none. */
    CompletionStage<Boolean> closeSession(String tenant, String session);

    /** A page of the tenant's online users; {@code cursor} is null on the last page. */
    record OnlinePage(List<String> users, String cursor) {
    }

    /**
     * Pages through the users of the tenant with a session on a live node. {@code cursor} is null for the first page,
     * then the previous page's cursor; like Redis {@code SCAN}, a page may hold fewer than {@code limit} users (even
     * none) before the end, a user online for the whole iteration is listed at least once, and one that connects or
     * disconnects meanwhile may or may not be.
     */
    CompletionStage<OnlinePage> online(String tenant, String cursor, int limit);

    /** Closes every session of the user on every node; completes with how many there were. */
    CompletionStage<Integer> kick(String tenant, String user);

    CompletionStage<UserView> user(String tenant, String user);

    CompletionStage<GroupView> group(String tenant, String group);
}
