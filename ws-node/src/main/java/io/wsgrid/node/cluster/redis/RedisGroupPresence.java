package io.wsgrid.node.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.GroupPresence;

/**
 * Who is in a group cluster-wide, for presence join/leave events (only groups whose namespace enables them). Per
 * group, in the group's slot: the user's session count over the cluster, and each node's share of it. A script
 * keyed by the group changes both and reports the transition, so exactly one change reports a user's first session
 * joining and exactly one the last leaving, whichever nodes they are on.
 *
 * <p>A dead node's share is removed by one live node (a short lock), which reports the leaves that causes; a node
 * that writes its state again (after a Redis restart or a failed write) sets its share to what it holds, reporting
 * the joins and leaves that makes. Each node lists the groups it has a share in, and the cluster the nodes that do.
 */
public final class RedisGroupPresence implements GroupPresence {

    /**
     * Adds ARGV[3] (1 or -1) to the user's count on node field ARGV[2] and over the cluster. KEYS: totals, node
     * shares; ARGV: user, node field, delta. Returns 1 for a first join, -1 for a last leave, else 0.
     */
    private static final String CHANGE = """
            local delta = tonumber(ARGV[3])
            local n = redis.call('HINCRBY', KEYS[2], ARGV[2], delta)
            if n <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
            if n < 0 then return 0 end
            local t = redis.call('HINCRBY', KEYS[1], ARGV[1], delta)
            if t <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
              if t == 0 and delta < 0 then return -1 end
              return 0
            end
            if t == 1 and delta > 0 then return 1 end
            return 0
            """;

    /**
     * Sets one node's share of a group to exactly the (user, count) pairs in ARGV[2..]: its other fields go. KEYS:
     * totals, node shares; ARGV[1]: the node's field prefix. Returns {"j", user} / {"l", user} pairs, flattened.
     */
    private static final String RESET_NODE = """
            local want = {}
            for i = 2, #ARGV, 2 do want[ARGV[i]] = tonumber(ARGV[i + 1]) end
            local have = {}
            local fields = redis.call('HGETALL', KEYS[2])
            local plen = string.len(ARGV[1])
            for i = 1, #fields, 2 do
              if string.sub(fields[i], 1, plen) == ARGV[1] then have[string.sub(fields[i], plen + 1)] = tonumber(fields[i + 1]) end
            end
            local out = {}
            local function apply(user, old, new)
              if old == new then return end
              if new > 0 then redis.call('HSET', KEYS[2], ARGV[1] .. user, new) else redis.call('HDEL', KEYS[2], ARGV[1] .. user) end
              local before = tonumber(redis.call('HGET', KEYS[1], user) or '0')
              local after = before + new - old
              if after > 0 then redis.call('HSET', KEYS[1], user, after) else redis.call('HDEL', KEYS[1], user) end
              if before <= 0 and after > 0 then table.insert(out, 'j') table.insert(out, user) end
              if before > 0 and after <= 0 then table.insert(out, 'l') table.insert(out, user) end
            end
            for user, old in pairs(have) do apply(user, old, want[user] or 0) end
            for user, new in pairs(want) do if not have[user] then apply(user, 0, new) end end
            return out
            """;

    private static final char SEP = '\u001f';

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final RedisDirectory directory;
    private final Keys keys;
    private final String nodeId;
    private final long lockMillis;

    public RedisGroupPresence(RedisClusterAsyncCommands<String, byte[]> redis, RedisDirectory directory, String prefix, String nodeId,
            long lockMillis) {
        this.redis = redis;
        this.directory = directory;
        this.keys = new Keys(prefix);
        this.nodeId = nodeId;
        this.lockMillis = lockMillis;
    }

    @Override
    /** A session of the user on this node joined (1) or left (-1) the group; completes with the transition or null. */
    public CompletionStage<Transition> change(String tenant, String group, String user, int delta) {
        CompletionStage<?> listed = delta > 0
                ? redis.sadd(nodeGroups(nodeId), bytes(Directory.member(tenant, group))).thenCompose(x -> redis.sadd(nodes(), bytes(nodeId)))
                : CompletableFuture.completedFuture(null);
        return listed.thenCompose(x -> redis.<Long>eval(CHANGE, ScriptOutputType.INTEGER, new String[] {totals(tenant, group),
                shares(tenant, group)}, bytes(user), bytes(nodeId + SEP + user), bytes(Integer.toString(delta))))
                .thenApply(r -> r == 0 ? null : new Transition(tenant, group, user, r > 0));
    }

    @Override
    /**
     * Sets this node's share of every group to {@code usersPerGroup} ("tenant SEP group" to sessions per user, for
     * groups with presence events); completes with the transitions that made.
     */
    public CompletionStage<List<Transition>> restore(Map<String, Map<String, Integer>> usersPerGroup) {
        return redis.smembers(nodeGroups(nodeId)).thenCompose(listed -> {
            Set<String> groups = new HashSet<>(usersPerGroup.keySet());
            listed.forEach(m -> groups.add(string(m)));
            List<CompletableFuture<?>> writes = new ArrayList<>();
            usersPerGroup.keySet().forEach(g -> writes.add(redis.sadd(nodeGroups(nodeId), bytes(g)).toCompletableFuture()));
            writes.add(redis.sadd(nodes(), bytes(nodeId)).toCompletableFuture());
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .thenCompose(x -> reset(nodeId, groups, usersPerGroup));
        });
    }

    @Override
    /** Removes the shares of nodes that are no longer alive, one live node per dead node; completes with the leaves. */
    public CompletionStage<List<Transition>> sweepDeadNodes() {
        return redis.smembers(nodes()).thenCompose(members -> directory.liveNodes().thenCompose(live -> {
            List<CompletableFuture<List<Transition>>> sweeps = new ArrayList<>();
            for (byte[] m : members) {
                String node = string(m);
                if (!live.contains(node) && !node.equals(nodeId)) {
                    sweeps.add(redis.set(keys.presenceJanitorLock(node), bytes(nodeId), SetArgs.Builder.nx().px(lockMillis))
                            .thenCompose(locked -> locked == null ? CompletableFuture.completedFuture(List.<Transition>of())
                                    : redis.smembers(nodeGroups(node)).thenCompose(groups -> {
                                        Set<String> names = new HashSet<>();
                                        groups.forEach(g -> names.add(string(g)));
                                        return reset(node, names, Map.of());
                                    }).thenCompose(leaves -> redis.del(nodeGroups(node)).thenCompose(x -> redis.srem(nodes(), bytes(node)))
                                            .thenApply(x -> leaves)))
                            .toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new)).thenApply(x -> {
                List<Transition> all = new ArrayList<>();
                sweeps.forEach(s -> all.addAll(s.join()));
                return all;
            });
        }));
    }

    private CompletionStage<List<Transition>> reset(String node, Collection<String> groups, Map<String, Map<String, Integer>> usersPerGroup) {
        List<CompletableFuture<List<Transition>>> resets = new ArrayList<>();
        for (String tenantGroup : groups) {
            String[] tg = Directory.splitMember(tenantGroup);
            List<byte[]> args = new ArrayList<>();
            args.add(bytes(node + SEP));
            usersPerGroup.getOrDefault(tenantGroup, Map.of()).forEach((user, count) -> {
                args.add(bytes(user));
                args.add(bytes(Integer.toString(count)));
            });
            resets.add(redis.<List<Object>>eval(RESET_NODE, ScriptOutputType.MULTI, new String[] {totals(tg[0], tg[1]), shares(tg[0], tg[1])},
                    args.toArray(byte[][]::new)).thenApply(out -> {
                        List<Transition> transitions = new ArrayList<>();
                        for (int i = 0; i + 1 < out.size(); i += 2) {
                            transitions.add(new Transition(tg[0], tg[1], string((byte[]) out.get(i + 1)), "j".equals(string((byte[]) out.get(i)))));
                        }
                        return transitions;
                    }).toCompletableFuture());
        }
        return CompletableFuture.allOf(resets.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<Transition> all = new ArrayList<>();
            resets.forEach(r -> all.addAll(r.join()));
            return all;
        });
    }

    private String totals(String tenant, String group) {
        return keys.groupPresence(tenant, group);
    }

    private String shares(String tenant, String group) {
        return keys.groupPresenceShares(tenant, group);
    }

    private String nodeGroups(String node) {
        return keys.nodePresenceGroups(node);
    }

    private String nodes() {
        return keys.presenceNodes();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
