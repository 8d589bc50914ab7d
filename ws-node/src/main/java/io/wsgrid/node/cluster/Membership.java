package io.wsgrid.node.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Durable group membership, set over REST: which groups each user belongs to whatever its sessions do.
 *
 * <p>Guarantees, for every implementation: membership belongs to no node, so it outlives every node and every
 * session; adding or removing twice is the same as once. The user's side ({@link #groupsOf}) decides which groups a
 * session joins as it opens; the group's side ({@link #members}) only reports, and is written after the user's side
 * in a separate step, so for a moment it may still list a user just removed or not yet list one just added. Calls
 * fail at once while the store is unreachable.
 */
public interface Membership {

    CompletionStage<Void> add(String tenant, String user, String group);

    CompletionStage<Void> remove(String tenant, String user, String group);

    /** The user's durable groups. */
    CompletionStage<List<String>> groupsOf(String tenant, String user);

    /** The group's durable members, sorted. */
    CompletionStage<List<String>> members(String tenant, String group);
}
