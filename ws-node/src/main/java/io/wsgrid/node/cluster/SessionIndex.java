package io.wsgrid.node.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Which node holds each session, and which users of a tenant are online: for the REST calls that address one session
 * or list online users. An index beside the {@link Directory}'s presence, which stays the truth: it is written after
 * presence, by separate calls.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 * <li><b>Live nodes only.</b> {@link #find} and {@link #online} report sessions and users on live nodes; a dead
 * node's sessions go with its other entries when it is swept.</li>
 * <li><b>Online paging</b> is like Redis {@code SCAN}: a page may hold fewer than {@code limit} users (even none)
 * before the end, a user online for the whole iteration is listed at least once, one who connects or disconnects
 * meanwhile may or may not be. A user who connects is never dropped from the list by a close racing it.</li>
 * <li><b>Staleness heals.</b> When a write fails, {@link #isStale()} turns true and the node writes its sessions again
 * ({@link #restore}) with its presence.</li>
 * <li><b>Fails fast.</b> While the store is unreachable every stage fails at once.</li>
 * </ul>
 */
public interface SessionIndex {

    /** Where a session is. */
    record Located(String node, String user) {
    }

    /** A page of online users; {@code cursor} null at the end. */
    record Page(List<String> users, String cursor) {
    }

    /** A session opened on this node (after its presence was written). */
    CompletionStage<Void> opened(String session, String tenant, String user);

    /** A session of this node closed (after its presence was removed); the user leaves the online list with its last. */
    CompletionStage<Void> closed(String session, String tenant, String user);

    /** Finds a session of the tenant on a live node; completes with null when there is none. */
    CompletionStage<Located> find(String tenant, String session);

    /**
     * One page of the tenant's users with a session on a live node; {@code cursor} null for the first page, then the
     * previous page's. A malformed cursor (one this index never returns) fails the stage with
     * {@link IllegalArgumentException}.
     */
    CompletionStage<Page> online(String tenant, String cursor, int limit);

    /** Whether a write failed since this node last wrote its sessions. */
    boolean isStale();

    /** Writes this node's sessions (id to tenant and user) and its users' online entries again; clears staleness. */
    CompletionStage<Void> restore(Map<String, String[]> tenantUserBySession);
}
