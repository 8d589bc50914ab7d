package io.wsgrid.node.cluster.memory;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.StreamId;

/** One node's {@link Directory} on a {@link MemoryCluster}: each call is one atomic step, as each Redis script is. */
final class MemoryDirectory implements Directory {

    private final MemoryCluster cluster;
    private final String node;
    private volatile boolean stale;

    MemoryDirectory(MemoryCluster cluster, String node) {
        this.cluster = cluster;
        this.node = node;
    }

    @Override
    public CompletionStage<Sent> sendToUser(String tenant, String user, byte[] frame, Collection<String> excluded) {
        return cluster.call(node, () -> {
            History.Appended appended = cluster.history.append(StreamId.user(tenant, user), frame).toCompletableFuture().join();
            return new Sent(appended.position(), appended.frame(), routeOrQueue(tenant, user, appended.frame(), excluded));
        });
    }

    @Override
    public CompletionStage<Route> queueUnlessLive(String tenant, String user, byte[] frame, Collection<String> excluded) {
        return cluster.call(node, () -> routeOrQueue(tenant, user, frame, excluded));
    }

    private Route routeOrQueue(String tenant, String user, byte[] frame, Collection<String> excluded) {
        List<String> nodes = cluster.nodesOf(tenant, user, excluded);
        if (!nodes.isEmpty()) {
            return new Route.Live(nodes);
        }
        cluster.offline.enqueue(tenant, user, frame);
        return new Route.Queued();
    }

    @Override
    public CompletionStage<Connected> connected(String tenant, String user) {
        return cluster.connects.thenCompose(x -> markStaleOnFailure(cluster.call(node, () -> {
            cluster.presence.computeIfAbsent(Directory.member(tenant, user), k -> new TreeMap<>()).merge(node, 1, Integer::sum);
            List<byte[]> queued = cluster.offline.drain(tenant, user);
            return new Connected(cluster.history.top(StreamId.user(tenant, user)).toCompletableFuture().join(), queued);
        })));
    }

    @Override
    public CompletionStage<Void> disconnected(String tenant, String user) {
        return markStaleOnFailure(cluster.call(node, () -> {
            cluster.presence.computeIfPresent(Directory.member(tenant, user), (k, perNode) -> {
                perNode.computeIfPresent(node, (n, count) -> count > 1 ? count - 1 : null);
                return perNode.isEmpty() ? null : perNode;
            });
            return null;
        }));
    }

    @Override
    public CompletionStage<List<byte[]>> drain(String tenant, String user) {
        return cluster.call(node, () -> cluster.offline.drain(tenant, user));
    }

    @Override
    public CompletionStage<Void> membership(String tenant, String group, String user, int delta) {
        return markStaleOnFailure(cluster.call(node, () -> {
            Map<String, Map<String, Integer>> ofNode = cluster.groups.computeIfAbsent(node, k -> new HashMap<>());
            Map<String, Integer> users = ofNode.computeIfAbsent(Directory.member(tenant, group), k -> new HashMap<>());
            users.merge(user, delta, Integer::sum);
            users.values().removeIf(count -> count <= 0);
            return null;
        }));
    }

    @Override
    public CompletionStage<Map<String, Integer>> presence(String tenant, String user) {
        return cluster.call(node, () -> {
            Map<String, Integer> out = new LinkedHashMap<>();
            cluster.presence.getOrDefault(Directory.member(tenant, user), Map.of()).forEach((n, count) -> {
                if (count > 0 && cluster.live.contains(n)) {
                    out.put(n, count);
                }
            });
            return out;
        });
    }

    @Override
    public CompletionStage<Map.Entry<List<String>, Integer>> group(String tenant, String group) {
        return cluster.call(node, () -> {
            Set<String> users = new TreeSet<>();
            int sessions = 0;
            for (String n : cluster.live) {
                for (Map.Entry<String, Integer> e : cluster.groups.getOrDefault(n, Map.of()).getOrDefault(Directory.member(tenant, group), Map.of())
                        .entrySet()) {
                    users.add(e.getKey());
                    sessions += e.getValue();
                }
            }
            return Map.entry(List.copyOf(users), sessions);
        });
    }

    @Override
    public CompletionStage<Beat> heartbeat() {
        return cluster.call(node, () -> {
            boolean lapsed = cluster.live.add(node);
            return cluster.registered.add(node) ? Beat.VANISHED : lapsed ? Beat.LAPSED : Beat.ALIVE;
        });
    }

    @Override
    public boolean isStale() {
        return stale;
    }

    @Override
    public CompletionStage<Void> restore(Map<String, Integer> sessionsPerMember, Map<String, Map<String, Integer>> membersPerGroup) {
        stale = false;
        return markStaleOnFailure(cluster.call(node, () -> {
            cluster.forget(node);
            sessionsPerMember.forEach((member, count) -> cluster.presence.computeIfAbsent(member, k -> new TreeMap<>()).put(node, count));
            Map<String, Map<String, Integer>> ofNode = new HashMap<>();
            membersPerGroup.forEach((tenantGroup, users) -> ofNode.put(tenantGroup, new HashMap<>(users)));
            cluster.groups.put(node, ofNode);
            return null;
        }));
    }

    @Override
    public CompletionStage<Set<String>> deadNodes() {
        return cluster.call(node, () -> {
            Set<String> dead = new TreeSet<>(cluster.registered);
            dead.removeAll(cluster.live);
            return dead;
        });
    }

    @Override
    public CompletionStage<Void> sweepDeadNodes() {
        return cluster.call(node, () -> {
            for (String n : List.copyOf(cluster.registered)) {
                if (!n.equals(node) && !cluster.live.contains(n)) {
                    cluster.forget(n);
                    cluster.registered.remove(n);
                }
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> leave() {
        return cluster.call(node, () -> {
            cluster.live.remove(node);
            cluster.forget(node);
            cluster.registered.remove(node);
            return null;
        });
    }

    @Override
    public boolean isConnected() {
        return !cluster.isCut(node);
    }

    private <T> CompletionStage<T> markStaleOnFailure(CompletionStage<T> stage) {
        return stage.whenComplete((x, error) -> {
            if (error != null) {
                stale = true;
            }
        });
    }
}
