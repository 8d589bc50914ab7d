package io.wsgrid.node.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.SessionIndex;

/**
 * Which node holds each session, and which users of a tenant are online, for the REST calls that address one session
 * or list online users. Both are indexes beside the presence hashes of {@link RedisDirectory} (which stay the truth):
 * they live in other slots, so they are written by separate commands after the presence scripts, never in them.
 *
 * <p>Sessions: a hash per node of session id to "tenant SEP user", written at open and removed at close; a dead
 * node's hash goes with its other entries ({@link RedisDirectory#forget}), and lookups only ask live nodes.
 *
 * <p>Online users: a sorted set per tenant of users scored by their last connect time, paged with {@code ZSCAN}
 * (never {@code KEYS}). An entry is removed only when the user's presence shows no session on a live node and its
 * score is still the one read before presence was checked; a connect writes presence first and then a newer score, so
 * a user who connects meanwhile is never removed, and one who left is removed at their last close or at the next read.
 *
 * <p>When a write fails, {@link #isStale()} turns true and the node writes its sessions again with its presence.
 */
public final class RedisSessionIndex implements SessionIndex {

    /** Removes a user from the online set if its score is still ARGV[2]. KEYS: online; ARGV: user, score. */
    private static final String PRUNE = """
            local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
            return 0
            """;

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final RedisDirectory directory;
    private final Keys keys;
    private final String nodeId;
    private final Clock clock;
    private volatile boolean stale;

    public RedisSessionIndex(RedisClusterAsyncCommands<String, byte[]> redis, RedisDirectory directory, String prefix, String nodeId,
            Clock clock) {
        this.redis = redis;
        this.directory = directory;
        this.keys = new Keys(prefix);
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /** A session opened on this node (after its presence was written). */
    @Override
    public CompletionStage<Void> opened(String session, String tenant, String user) {
        CompletionStage<Long> record = redis.hset(keys.nodeSessions(nodeId), session, bytes(Directory.member(tenant, user)))
                .thenApply(x -> 0L);
        CompletionStage<Long> online = redis.zadd(keys.online(tenant), (double) clock.millis(), bytes(user));
        return record.thenCombine(online, (a, b) -> (Void) null).whenComplete((x, error) -> markStaleOn(error));
    }

    /** A session of this node closed (after its presence was removed). */
    @Override
    public CompletionStage<Void> closed(String session, String tenant, String user) {
        CompletionStage<Void> record = redis.hdel(keys.nodeSessions(nodeId), session).thenApply(x -> null);
        String online = keys.online(tenant);
        CompletionStage<Void> prune = redis.zscore(online, bytes(user)).thenCompose(score -> score == null
                ? CompletableFuture.completedFuture(null)
                : directory.presence(tenant, user).thenCompose(live -> live.isEmpty() ? prune(online, user, score) : CompletableFuture.completedFuture(null)));
        return record.thenCombine(prune, (a, b) -> (Void) null).whenComplete((x, error) -> markStaleOn(error));
    }

    /** Finds a session of the tenant on a live node; completes with null when there is none. */
    @Override
    public CompletionStage<Located> find(String tenant, String session) {
        return directory.liveNodes().thenCompose(nodes -> {
            List<String> order = new ArrayList<>(nodes);
            List<CompletableFuture<byte[]>> reads = new ArrayList<>(order.size());
            for (String node : order) {
                reads.add(redis.hget(keys.nodeSessions(node), session).toCompletableFuture());
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(x -> {
                for (int i = 0; i < order.size(); i++) {
                    byte[] member = reads.get(i).join();
                    if (member != null) {
                        String[] tu = Directory.splitMember(string(member));
                        if (tu[0].equals(tenant)) {
                            return new Located(order.get(i), tu[1]);
                        }
                    }
                }
                return null;
            });
        });
    }

    /** One {@code ZSCAN} step over the tenant's online set, keeping users with a session on a live node. */
    @Override
    public CompletionStage<Page> online(String tenant, String cursor, int limit) {
        if (cursor != null && !cursor.chars().allMatch(Character::isDigit)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cursor must be the one a previous page returned"));
        }
        String online = keys.online(tenant);
        ScanCursor from = cursor == null ? ScanCursor.INITIAL : ScanCursor.of(cursor);
        return redis.zscan(online, from, ScanArgs.Builder.limit(limit)).thenCompose(scan -> directory.liveNodes().thenCompose(live -> {
            List<ScoredValue<byte[]>> values = scan.getValues();
            List<CompletableFuture<Map<String, byte[]>>> presence = new ArrayList<>(values.size());
            for (ScoredValue<byte[]> v : values) {
                String[] tu = {tenant, string(v.getValue())};
                presence.add(redis.hgetall(keys.presence(tu[0], tu[1])).toCompletableFuture());
            }
            return CompletableFuture.allOf(presence.toArray(CompletableFuture[]::new)).thenApply(x -> {
                List<String> users = new ArrayList<>(values.size());
                for (int i = 0; i < values.size(); i++) {
                    String user = string(values.get(i).getValue());
                    if (onLiveNode(presence.get(i).join(), live)) {
                        users.add(user);
                    }
                    else {
                        prune(online, user, values.get(i).getScore());
                    }
                }
                users.sort(null);
                return new Page(users, scan.isFinished() ? null : scan.getCursor());
            });
        }));
    }

    private static boolean onLiveNode(Map<String, byte[]> presence, java.util.Set<String> live) {
        for (Map.Entry<String, byte[]> e : presence.entrySet()) {
            if (live.contains(e.getKey()) && Long.parseLong(string(e.getValue())) > 0) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<Void> prune(String online, String user, double score) {
        return redis.<Long>eval(PRUNE, ScriptOutputType.INTEGER, new String[] {online}, bytes(user), bytes(Double.toString(score)))
                .thenApply(x -> null);
    }

    /** Whether a write failed since this node last wrote its sessions. */
    @Override
    public boolean isStale() {
        return stale;
    }

    /** Writes this node's sessions and its users' online entries again (after {@link RedisDirectory#restore}). */
    @Override
    public CompletionStage<Void> restore(Map<String, String[]> tenantUserBySession) {
        stale = false;
        if (tenantUserBySession.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, byte[]> records = new HashMap<>();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        double now = clock.millis();
        tenantUserBySession.forEach((session, tu) -> {
            records.put(session, bytes(Directory.member(tu[0], tu[1])));
            writes.add(redis.zadd(keys.online(tu[0]), now, bytes(tu[1])).toCompletableFuture());
        });
        writes.add(redis.hset(keys.nodeSessions(nodeId), records).toCompletableFuture());
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenComplete((x, error) -> markStaleOn(error));
    }

    private void markStaleOn(Throwable error) {
        if (error != null) {
            stale = true;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
