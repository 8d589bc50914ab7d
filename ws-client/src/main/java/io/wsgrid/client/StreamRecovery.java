package io.wsgrid.client;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reconnect recovered, from the node's {@code resumed} answer: whether every message of the user stream and of
 * each group stream sent while the client was away was replayed. A stream reported {@code false} lost messages (its
 * history was trimmed or its epoch changed, e.g. Redis was flushed); the client carries on from the stream's current
 * top, so the application should reload that stream's state from its own source of truth.
 *
 * @param user   whether the user stream was recovered
 * @param groups recovered or not, per group the client had joined
 */
public record StreamRecovery(boolean user, Map<String, Boolean> groups) {

    public StreamRecovery {
        groups = Map.copyOf(groups);
    }

    /** Whether every stream was recovered: no message was lost. */
    public boolean complete() {
        return user && !groups.containsValue(false);
    }

    /** The groups whose messages sent while the client was away may be missing, in name order. */
    public Set<String> lostGroups() {
        Set<String> lost = new TreeSet<>();
        groups.forEach((group, recovered) -> {
            if (!recovered) {
                lost.add(group);
            }
        });
        return lost;
    }
}
