package io.wsgrid.node.cluster.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.SessionIndex;

/**
 * One node's {@link SessionIndex} on a {@link MemoryCluster}. The online list is kept in user order and its cursor is
 * the last user of the previous page (Redis pages with a {@code ZSCAN} cursor instead; callers treat both as opaque).
 */
final class MemorySessionIndex implements SessionIndex {

    private final MemoryCluster cluster;
    private final String node;
    private volatile boolean stale;

    MemorySessionIndex(MemoryCluster cluster, String node) {
        this.cluster = cluster;
        this.node = node;
    }

    @Override
    public CompletionStage<Void> opened(String session, String tenant, String user) {
        return markStaleOnFailure(cluster.call(node, () -> {
            cluster.sessions.computeIfAbsent(node, k -> new HashMap<>()).put(session, Directory.member(tenant, user));
            cluster.online.computeIfAbsent(tenant, k -> new TreeSet<>()).add(user);
            return null;
        }));
    }

    @Override
    public CompletionStage<Void> closed(String session, String tenant, String user) {
        return markStaleOnFailure(cluster.call(node, () -> {
            cluster.sessions.getOrDefault(node, new HashMap<>()).remove(session);
            if (!cluster.onLiveNode(tenant, user)) {
                cluster.online.getOrDefault(tenant, new TreeSet<>()).remove(user);
            }
            return null;
        }));
    }

    @Override
    public CompletionStage<Located> find(String tenant, String session) {
        return cluster.call(node, () -> {
            for (String n : cluster.live) {
                String member = cluster.sessions.getOrDefault(n, Map.of()).get(session);
                if (member != null && Directory.splitMember(member)[0].equals(tenant)) {
                    return new Located(n, Directory.splitMember(member)[1]);
                }
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Page> online(String tenant, String cursor, int limit) {
        return cluster.call(node, () -> {
            NavigableSet<String> users = cluster.online.getOrDefault(tenant, new TreeSet<>());
            NavigableSet<String> rest = cursor == null ? users : users.tailSet(cursor, false);
            List<String> scanned = new ArrayList<>(rest).subList(0, Math.min(limit, rest.size()));
            List<String> page = new ArrayList<>();
            for (String user : scanned) {
                if (cluster.onLiveNode(tenant, user)) {
                    page.add(user);
                }
                else {
                    users.remove(user);
                }
            }
            return new Page(page, scanned.size() < rest.size() ? scanned.getLast() : null);
        });
    }

    @Override
    public boolean isStale() {
        return stale;
    }

    @Override
    public CompletionStage<Void> restore(Map<String, String[]> tenantUserBySession) {
        stale = false;
        return markStaleOnFailure(cluster.call(node, () -> {
            Map<String, String> records = cluster.sessions.computeIfAbsent(node, k -> new HashMap<>());
            tenantUserBySession.forEach((session, tu) -> {
                records.put(session, Directory.member(tu[0], tu[1]));
                cluster.online.computeIfAbsent(tu[0], k -> new TreeSet<>()).add(tu[1]);
            });
            return null;
        }));
    }

    private <T> CompletionStage<T> markStaleOnFailure(CompletionStage<T> stage) {
        return stage.whenComplete((x, error) -> {
            if (error != null) {
                stale = true;
            }
        });
    }
}
