package io.wsgrid.node.cluster.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.GroupPresence;

/**
 * One node's {@link GroupPresence} on a {@link MemoryCluster}. Only the nodes' shares are kept: a user's count over the
 * cluster is their sum, so it can never disagree with them.
 */
final class MemoryGroupPresence implements GroupPresence {

    private final MemoryCluster cluster;
    private final String node;

    MemoryGroupPresence(MemoryCluster cluster, String node) {
        this.cluster = cluster;
        this.node = node;
    }

    @Override
    public CompletionStage<Transition> change(String tenant, String group, String user, int delta) {
        return cluster.call(node, () -> {
            String tenantGroup = Directory.member(tenant, group);
            int before = total(tenantGroup, user);
            Map<String, Integer> share = cluster.shares.computeIfAbsent(tenantGroup, k -> new HashMap<>()).computeIfAbsent(node, k -> new HashMap<>());
            int n = share.getOrDefault(user, 0) + delta;
            if (n > 0) {
                share.put(user, n);
            }
            else {
                share.remove(user); // below zero: a leave this node never counted a join for, which changes nothing
            }
            cluster.shares.get(tenantGroup).values().removeIf(Map::isEmpty);
            return transition(tenantGroup, user, before, total(tenantGroup, user));
        });
    }

    @Override
    public CompletionStage<List<Transition>> restore(Map<String, Map<String, Integer>> usersPerGroup) {
        return cluster.call(node, () -> {
            Set<String> groups = new TreeSet<>(usersPerGroup.keySet());
            cluster.shares.forEach((tenantGroup, perNode) -> {
                if (perNode.containsKey(node)) {
                    groups.add(tenantGroup);
                }
            });
            List<Transition> out = new ArrayList<>();
            groups.forEach(tenantGroup -> out.addAll(reset(node, tenantGroup, usersPerGroup.getOrDefault(tenantGroup, Map.of()))));
            return out;
        });
    }

    @Override
    public CompletionStage<List<Transition>> sweepDeadNodes() {
        return cluster.call(node, () -> {
            List<Transition> leaves = new ArrayList<>();
            cluster.shares.forEach((tenantGroup, perNode) -> {
                for (String n : List.copyOf(perNode.keySet())) {
                    if (!n.equals(node) && !cluster.live.contains(n)) {
                        leaves.addAll(reset(n, tenantGroup, Map.of()));
                    }
                }
            });
            return leaves;
        });
    }

    /** Sets one node's share of a group to exactly {@code want}; returns the transitions that made. */
    private List<Transition> reset(String n, String tenantGroup, Map<String, Integer> want) {
        Map<String, Map<String, Integer>> perNode = cluster.shares.computeIfAbsent(tenantGroup, k -> new HashMap<>());
        Set<String> users = new TreeSet<>(want.keySet());
        users.addAll(perNode.getOrDefault(n, Map.of()).keySet());
        List<Transition> out = new ArrayList<>();
        for (String user : users) {
            int before = total(tenantGroup, user);
            int count = want.getOrDefault(user, 0);
            if (count > 0) {
                perNode.computeIfAbsent(n, k -> new HashMap<>()).put(user, count);
            }
            else if (perNode.containsKey(n)) {
                perNode.get(n).remove(user);
            }
            Transition t = transition(tenantGroup, user, before, total(tenantGroup, user));
            if (t != null) {
                out.add(t);
            }
        }
        perNode.values().removeIf(Map::isEmpty);
        return out;
    }

    private int total(String tenantGroup, String user) {
        return cluster.shares.getOrDefault(tenantGroup, Map.of()).values().stream().mapToInt(share -> share.getOrDefault(user, 0)).sum();
    }

    private static Transition transition(String tenantGroup, String user, int before, int after) {
        String[] tg = Directory.splitMember(tenantGroup);
        if (before <= 0 && after > 0) {
            return new Transition(tg[0], tg[1], user, true);
        }
        if (before > 0 && after <= 0) {
            return new Transition(tg[0], tg[1], user, false);
        }
        return null;
    }
}
