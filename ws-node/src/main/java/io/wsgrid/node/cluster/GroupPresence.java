package io.wsgrid.node.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Who is in a group cluster-wide, for presence join/leave events (only in groups whose namespace enables them): per
 * group, each user's session count over the cluster and each node's share of it.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 * <li><b>One report per transition.</b> {@link #change} updates the count and reports the transition in one atomic
 * step, so exactly one change reports a user's first session joining a group and exactly one the last leaving,
 * whichever nodes the sessions are on.</li>
 * <li><b>Dead nodes leave.</b> {@link #sweepDeadNodes} removes the share of every node that is not alive any more (one
 * live node per dead node) and reports the leaves that makes.</li>
 * <li><b>Restores report.</b> {@link #restore} sets this node's share to what it holds and reports the joins and
 * leaves that makes.</li>
 * <li><b>Fails fast.</b> While the store is unreachable every stage fails at once.</li>
 * </ul>
 */
public interface GroupPresence {

    /** A transition to report: {@code join} true for a first session joining, false for a last one leaving. */
    record Transition(String tenant, String group, String user, boolean join) {
    }

    /** A session of the user on this node joined (1) or left (-1) the group; completes with the transition or null. */
    CompletionStage<Transition> change(String tenant, String group, String user, int delta);

    /**
     * Sets this node's share of every group to {@code usersPerGroup} ({@link Directory#member} of tenant and group to
     * sessions per user, for groups with presence events; see {@link #tracked}); completes with the transitions.
     */
    CompletionStage<List<Transition>> restore(Map<String, Map<String, Integer>> usersPerGroup);

    /** Removes the shares of nodes that are no longer alive; completes with the leaves that made. */
    CompletionStage<List<Transition>> sweepDeadNodes();

    /** Keeps only the groups whose presence is tracked; builds {@link #restore}'s argument. */
    static Map<String, Map<String, Integer>> tracked(Map<String, Map<String, Integer>> usersPerGroup, Predicate<String> presenceEvents) {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        usersPerGroup.forEach((tenantGroup, users) -> {
            if (presenceEvents.test(Directory.splitMember(tenantGroup)[1])) {
                out.put(tenantGroup, users);
            }
        });
        return out;
    }
}
