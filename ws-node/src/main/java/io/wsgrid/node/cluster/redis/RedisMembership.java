package io.wsgrid.node.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wsgrid.node.cluster.Membership;

/**
 * Durable group membership (set over REST) in Redis: per user the set of its groups (in the user's slot, read when one
 * of its sessions opens) and per group the set of its members (in the group's slot, for listing). The two are written
 * by separate commands, user side first: the user side decides which sessions join, the group side only reports.
 * Nothing here depends on a node, so membership outlives every node.
 */
public final class RedisMembership implements Membership {

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final Keys keys;

    public RedisMembership(RedisClusterAsyncCommands<String, byte[]> redis, String prefix) {
        this.redis = redis;
        this.keys = new Keys(prefix);
    }

    @Override
    public CompletionStage<Void> add(String tenant, String user, String group) {
        return redis.sadd(keys.userGroups(tenant, user), bytes(group))
                .thenCompose(x -> redis.sadd(keys.groupMembers(tenant, group), bytes(user))).thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> remove(String tenant, String user, String group) {
        return redis.srem(keys.userGroups(tenant, user), bytes(group))
                .thenCompose(x -> redis.srem(keys.groupMembers(tenant, group), bytes(user))).thenApply(x -> null);
    }

    @Override
    /** The user's durable groups. */
    public CompletionStage<List<String>> groupsOf(String tenant, String user) {
        return redis.smembers(keys.userGroups(tenant, user)).thenApply(RedisMembership::strings);
    }

    @Override
    /** The group's durable members, sorted. */
    public CompletionStage<List<String>> members(String tenant, String group) {
        return redis.smembers(keys.groupMembers(tenant, group)).thenApply(RedisMembership::strings);
    }

    private static List<String> strings(Set<byte[]> members) {
        TreeSet<String> out = new TreeSet<>();
        members.forEach(m -> out.add(new String(m, StandardCharsets.UTF_8)));
        return List.copyOf(out);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
