package io.wsgrid.node.cluster.memory;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.Membership;

/** Durable membership on a {@link MemoryCluster}, as one node reaches it. Belongs to no node: it outlives them all. */
final class MemoryMembership implements Membership {

    private final MemoryCluster cluster;
    private final String node;

    MemoryMembership(MemoryCluster cluster, String node) {
        this.cluster = cluster;
        this.node = node;
    }

    @Override
    public CompletionStage<Void> add(String tenant, String user, String group) {
        return cluster.call(node, () -> {
            cluster.groupsOfUser.computeIfAbsent(Directory.member(tenant, user), k -> new TreeSet<>()).add(group);
            cluster.membersOfGroup.computeIfAbsent(Directory.member(tenant, group), k -> new TreeSet<>()).add(user);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> remove(String tenant, String user, String group) {
        return cluster.call(node, () -> {
            cluster.groupsOfUser.getOrDefault(Directory.member(tenant, user), new TreeSet<>()).remove(group);
            cluster.membersOfGroup.getOrDefault(Directory.member(tenant, group), new TreeSet<>()).remove(user);
            return null;
        });
    }

    @Override
    public CompletionStage<List<String>> groupsOf(String tenant, String user) {
        return cluster.call(node, () -> List.copyOf(cluster.groupsOfUser.getOrDefault(Directory.member(tenant, user), new TreeSet<>())));
    }

    @Override
    public CompletionStage<List<String>> members(String tenant, String group) {
        return cluster.call(node, () -> List.copyOf(cluster.membersOfGroup.getOrDefault(Directory.member(tenant, group), new TreeSet<>())));
    }
}
