package io.wsgrid.node.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.StreamPosition;

/**
 * One node's view of the cluster state the router decides with: which nodes are alive, how many sessions each user has
 * on each node, group membership per node, and every user's offline queue. It shares the user streams with the
 * cluster's {@link io.wsgrid.node.history.History}. In production it lives in Redis; every call is asynchronous and
 * returns at once.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 * <li><b>Send and route in one step.</b> {@link #sendToUser} appends the message to the user's stream (with the
 * gap-free offsets and durability of {@code History.append}) and, in the same atomic step, either names the nodes
 * where the user has sessions or queues the positioned message. {@link #connected} counts a session, takes the
 * user's queue and reads the stream's top in one atomic step too. So a message racing a connect is either routed to
 * the nodes that connect counted, or queued and taken by it (or by a later connect or {@link #drain}): never both,
 * never neither.</li>
 * <li><b>A route is a hint.</b> {@link Route.Live} names nodes whose presence said so when the message was
 * appended: a node may have died, or its presence may be stale (it names a user who has no session there). The
 * caller delivers and, when no named node took the message, calls {@link #queueUnlessLive}.</li>
 * <li><b>Dead nodes.</b> A node is alive while it {@link #heartbeat}s within the node TTL. The send calls know only the
 * nodes their caller excludes (pass {@link #deadNodes}); {@link #presence} and {@link #group} count live nodes only.
 * A dead node stays in {@link #deadNodes} until one live node's {@link #sweepDeadNodes} removed its presence,
 * membership and session-index entries; its next {@link #heartbeat} then reports it vanished.</li>
 * <li><b>Offline queues.</b> First-in first-out per user; at most the configured capacity, the oldest dropped first
 * and counted; a message older than the queue TTL is never handed out; each queued message is handed out once, by
 * {@link #connected} or {@link #drain}.</li>
 * <li><b>Staleness heals.</b> When a write of this node's presence or membership fails, {@link #isStale()} turns
 * true; the node then writes its whole state again with {@link #restore}, as it does when its liveness vanished.</li>
 * <li><b>Fails fast.</b> While the store is unreachable every stage fails at once; none waits for it to come back.</li>
 * </ul>
 */
public interface Directory {

    /** Where a user-directed message goes. */
    sealed interface Route {
        /** Nodes with sessions of the user, outside the excluded ones (may include the caller's own node). */
        record Live(List<String> nodes) implements Route {
        }

        /** The user has no session on any node outside the excluded ones: the message was queued. */
        record Queued() implements Route {
        }
    }

    /** A user message appended to the user's stream ({@code frame} carries the position), and where it goes. */
    record Sent(StreamPosition position, byte[] frame, Route route) {
    }

    /** What {@link #connected} found: the user stream's top and the user's queued messages, oldest first. */
    record Connected(StreamPosition top, List<byte[]> queued) {
    }

    /**
     * Appends a user message (a frame without position) to the user's stream, then names the nodes outside
     * {@code excluded} where the user has sessions, or queues the message when there are none: one atomic step.
     */
    CompletionStage<Sent> sendToUser(String tenant, String user, byte[] frame, Collection<String> excluded);

    /**
     * Queues an already positioned message unless the user has sessions on a node outside {@code excluded}, in one
     * atomic step; completes with the nodes found, or {@link Route.Queued}.
     */
    CompletionStage<Route> queueUnlessLive(String tenant, String user, byte[] frame, Collection<String> excluded);

    /**
     * Counts a session of the user on this node, takes the user's unexpired queued messages (oldest first) and reads
     * the top of the user's stream, atomically. A failure marks the directory stale.
     */
    CompletionStage<Connected> connected(String tenant, String user);

    /** Uncounts a session of the user on this node. A failure marks the directory stale. */
    CompletionStage<Void> disconnected(String tenant, String user);

    /** Takes the user's unexpired queued messages, oldest first (on a node that has the user's sessions). */
    CompletionStage<List<byte[]>> drain(String tenant, String user);

    /** A session of the user on this node joined ({@code delta} 1) or left (-1) a group. A failure marks it stale. */
    CompletionStage<Void> membership(String tenant, String group, String user, int delta);

    /** The user's session count per live node, nodes with none left out. */
    CompletionStage<Map<String, Integer>> presence(String tenant, String user);

    /** The group's users (sorted) and session count over every live node. */
    CompletionStage<Map.Entry<List<String>, Integer>> group(String tenant, String group);

    /** What a {@link #heartbeat} found. */
    enum Beat {
        /** The node was alive and registered all along. */
        ALIVE,
        /**
         * Its liveness had expired (a long pause, or a store outage longer than the node TTL) but nobody swept it: its
         * presence stands, yet other nodes counted it dead meanwhile and may have queued its users' messages, which
         * the caller must hand to those users.
         */
        LAPSED,
        /** It was not registered any more (first start, a lost store, or declared dead and swept): the caller must {@link #restore} its state. */
        VANISHED
    }

    /** Refreshes this node's liveness; says whether it had lapsed or vanished meanwhile. */
    CompletionStage<Beat> heartbeat();

    /** Whether a presence or membership write of this node failed since it last wrote its whole state. */
    boolean isStale();

    /**
     * Replaces this node's presence and membership with {@code sessionsPerMember} ({@link #member} of tenant and user
     * to sessions) and {@code membersPerGroup} (member of tenant and group to sessions per user); clears
     * {@link #isStale()}, which a failure sets again.
     */
    CompletionStage<Void> restore(Map<String, Integer> sessionsPerMember, Map<String, Map<String, Integer>> membersPerGroup);

    /** Registered nodes whose liveness expired and that no live node has swept yet. */
    CompletionStage<Set<String>> deadNodes();

    /** Removes dead nodes' presence, membership and session-index entries; one live node does it per dead node. */
    CompletionStage<Void> sweepDeadNodes();

    /** Marks this node gone at once (graceful shutdown) instead of letting its liveness expire. */
    CompletionStage<Void> leave();

    /** Whether the store is reachable right now (the node's health). */
    boolean isConnected();

    /** Names a user or group of a tenant in the maps of {@link #restore} and {@code GroupPresence.restore}. */
    static String member(String tenant, String name) {
        return tenant + '\u001f' + name;
    }

    /** Tenant and name of a {@link #member}. */
    static String[] splitMember(String member) {
        int i = member.indexOf('\u001f');
        return new String[] {member.substring(0, i), member.substring(i + 1)};
    }
}
