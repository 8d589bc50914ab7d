package io.wsgrid.node.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state in Redis: which nodes are alive, which users have sessions on which node, group membership per node,
 * the offline queue of every user, and (with {@link RedisHistory}) the user streams. Used by both clustered modes.
 *
 * <p>Offline queue guarantees (the same as the standalone node's {@code OfflineStore}): first-in first-out per user;
 * at most {@code capacity} messages, the oldest dropped first and counted; a message older than {@code ttl} is never
 * delivered; {@link #sendToUser} appends a message to the user's stream and queues it only when the user has no
 * session on a live node, in one script, and {@link #connected} registers a session, takes the queue and reads the
 * stream's top in one script, so each queued message is delivered exactly once and a session knows where its live
 * traffic starts.
 *
 * <p>Liveness: each node refreshes {@code prefix:node:<id>} every heartbeat interval with a TTL of node-ttl. A node
 * whose key expired is dead: callers pass the dead nodes they know of to the scripts (which may touch the keys of one
 * user only, one Redis Cluster slot), so its presence no longer counts and its users' messages are queued; the first
 * live node to notice removes its presence and membership entries. When a node finds its own key gone (a Redis
 * restart, or it was declared dead during a long pause), or one of its presence writes failed ({@link #isStale()}), it
 * writes its whole local state again.
 *
 * <p>All calls are asynchronous; while Redis is unreachable they fail at once instead of queueing, so no session waits
 * on an outage.
 */
public final class RedisDirectory implements Directory {

    private static final Logger log = LoggerFactory.getLogger(RedisDirectory.class);

    /**
     * Appends a user message to the user's stream (see {@link RedisHistory#APPEND}) and then, unless the user has a
     * session on a node outside the excluded ones (ARGV[9..]), queues it. KEYS: meta, list, presence, offline; ARGV
     * 7 and 8: queue cap and queue TTL ms. Returns {offset, epoch, "l", nodes...} or {offset, epoch, "q", dropped}.
     */
    private static final String SEND_TO_USER = RedisHistory.APPEND + """
            local fields = redis.call('HGETALL', KEYS[3])
            local live = {offset, epoch, 'l'}
            for i = 1, #fields, 2 do
              local node = fields[i]
              local excluded = false
              for j = 9, #ARGV do if ARGV[j] == node then excluded = true end end
              if not excluded and tonumber(fields[i + 1]) > 0 then table.insert(live, node) end
            end
            if #live > 3 then return live end
            local length = redis.call('RPUSH', KEYS[4], ARGV[6] .. ' ' .. frame)
            local cap = tonumber(ARGV[7])
            local dropped = 0
            if length > cap then
              dropped = length - cap
              redis.call('LTRIM', KEYS[4], -cap, -1)
            end
            redis.call('PEXPIRE', KEYS[4], ARGV[8])
            return {offset, epoch, 'q', dropped}
            """;

    /**
     * Queues an already positioned message unless the user has a session on a node outside ARGV[5..]. KEYS:
     * presence, offline; ARGV: frame, now ms, cap, ttl ms. Returns {"l", nodes...} or {"q", dropped}.
     */
    private static final String QUEUE_UNLESS_LIVE = """
            local fields = redis.call('HGETALL', KEYS[1])
            local live = {'l'}
            for i = 1, #fields, 2 do
              local node = fields[i]
              local excluded = false
              for j = 5, #ARGV do if ARGV[j] == node then excluded = true end end
              if not excluded and tonumber(fields[i + 1]) > 0 then table.insert(live, node) end
            end
            if #live > 1 then return live end
            local length = redis.call('RPUSH', KEYS[2], ARGV[2] .. ' ' .. ARGV[1])
            local cap = tonumber(ARGV[3])
            local dropped = 0
            if length > cap then
              dropped = length - cap
              redis.call('LTRIM', KEYS[2], -cap, -1)
            end
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return {'q', dropped}
            """;

    /**
     * Registers one session of the user on a node, takes the user's queue and reads the user stream's top, in one
     * step. KEYS: presence, offline, meta; ARGV: node, epoch candidate, meta ttl ms. Returns {top, epoch, queued...}.
     */
    private static final String CONNECT = """
            redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            local queued = redis.call('LRANGE', KEYS[2], 0, -1)
            redis.call('DEL', KEYS[2])
            """ + RedisHistory.epochOf("KEYS[3]", "ARGV[2]") + """
            redis.call('PEXPIRE', KEYS[3], ARGV[3])
            local out = {tonumber(redis.call('HGET', KEYS[3], 'top') or '0'), epoch}
            for _, entry in ipairs(queued) do table.insert(out, entry) end
            return out
            """;

    /** Unregisters one session of the user on a node. KEYS: presence; ARGV: node. Returns the sessions left there. */
    private static final String DISCONNECT = """
            local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
            if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
            return left
            """;

    /** Takes the user's queue. KEYS: offline. */
    private static final String DRAIN = """
            local queued = redis.call('LRANGE', KEYS[1], 0, -1)
            redis.call('DEL', KEYS[1])
            return queued
            """;

    private final java.util.function.BooleanSupplier connected;
    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final RedisHistory history;
    private final Keys keys;
    private final String nodeId;
    private final int capacity;
    private final long ttlMillis;
    private final long nodeTtlMillis;
    private final Clock clock;
    private final NodeMetrics metrics;
    /** Set when a presence or membership write failed: the next heartbeat writes this node's state again. */
    private volatile boolean stale;

    public RedisDirectory(RedisClusterAsyncCommands<String, byte[]> redis, java.util.function.BooleanSupplier connected,
            RedisHistory history, String prefix, String nodeId, int capacity, long ttlMillis, long nodeTtlMillis, Clock clock,
            NodeMetrics metrics) {
        this.redis = redis;
        this.connected = connected;
        this.history = history;
        this.keys = new Keys(prefix);
        this.nodeId = nodeId;
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
        this.nodeTtlMillis = nodeTtlMillis;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public boolean isConnected() {
        return connected.getAsBoolean();
    }

    /**
     * Appends a user message (a frame without position) to the user's stream and queues it unless the user has a
     * session on a node outside {@code excluded} (dead nodes), in one script.
     */
    @Override
    public CompletionStage<Sent> sendToUser(String tenant, String user, byte[] frame, Collection<String> excluded) {
        StreamId stream = StreamId.user(tenant, user);
        List<byte[]> args = new ArrayList<>(List.of(history.appendArgs(frame)));
        args.add(bytes(Integer.toString(capacity)));
        args.add(bytes(Long.toString(ttlMillis)));
        excluded.forEach(node -> args.add(bytes(node)));
        return redis.<List<Object>>eval(SEND_TO_USER, ScriptOutputType.MULTI, new String[] {keys.streamMeta(stream),
                keys.streamHistory(stream), keys.presence(tenant, user), keys.offline(tenant, user)}, args.toArray(byte[][]::new))
                .thenApply(result -> {
                    StreamPosition position = new StreamPosition((Long) result.get(0), string(result.get(1)));
                    byte[] positioned = ProtocolCodec.withPosition(frame, position.offset(), position.epoch());
                    return new Sent(position, positioned, route(result, 2));
                });
    }

    /** Queues an already positioned message unless the user has a session on a node outside {@code excluded}. */
    @Override
    public CompletionStage<Route> queueUnlessLive(String tenant, String user, byte[] frame, Collection<String> excluded) {
        List<byte[]> args = new ArrayList<>(List.of(frame, bytes(Long.toString(clock.millis())), bytes(Integer.toString(capacity)),
                bytes(Long.toString(ttlMillis))));
        excluded.forEach(node -> args.add(bytes(node)));
        return redis.<List<Object>>eval(QUEUE_UNLESS_LIVE, ScriptOutputType.MULTI,
                new String[] {keys.presence(tenant, user), keys.offline(tenant, user)}, args.toArray(byte[][]::new))
                .thenApply(result -> route(result, 0));
    }

    private Route route(List<Object> result, int at) {
        if ("q".equals(string(result.get(at)))) {
            long dropped = (Long) result.get(at + 1);
            metrics.offlineQueued();
            if (dropped > 0) {
                metrics.dropped(DropReason.OFFLINE_CAP, (int) dropped);
            }
            return new Route.Queued();
        }
        List<String> nodes = new ArrayList<>();
        for (int i = at + 1; i < result.size(); i++) {
            nodes.add(string(result.get(i)));
        }
        return new Route.Live(nodes);
    }

    /**
     * Registers a session of the user on this node, takes the user's unexpired queued messages (oldest first) and
     * reads the top of the user's stream, atomically.
     */
    @Override
    public CompletionStage<Connected> connected(String tenant, String user) {
        StreamId stream = StreamId.user(tenant, user);
        byte[][] top = history.topArgs();
        CompletionStage<Connected> result = redis.<List<Object>>eval(CONNECT, ScriptOutputType.MULTI,
                new String[] {keys.presence(tenant, user), keys.offline(tenant, user), keys.streamMeta(stream)},
                bytes(nodeId), top[0], top[1])
                .thenApply(r -> new Connected(new StreamPosition((Long) r.get(0), string(r.get(1))), unexpired(r.subList(2, r.size()))));
        // The per-node index only serves cleanup after this node dies; it lives in another slot, so apart. Its write
        // failing must not fail the connect, which already took the queue: the node goes stale and writes it again.
        return result.whenComplete((c, error) -> markStaleOn(error))
                .thenCompose(c -> redis.sadd(keys.nodeUsers(nodeId), bytes(Directory.member(tenant, user)))
                        .handle((x, error) -> {
                            markStaleOn(error);
                            return c;
                        }));
    }

    /** Unregisters a session of the user on this node. */
    @Override
    public CompletionStage<Void> disconnected(String tenant, String user) {
        return redis.<Long>eval(DISCONNECT, ScriptOutputType.INTEGER, new String[] {keys.presence(tenant, user)}, bytes(nodeId))
                .thenCompose(left -> left > 0 ? CompletableFuture.completedFuture(null)
                        : redis.srem(keys.nodeUsers(nodeId), bytes(Directory.member(tenant, user))).thenApply(x -> (Void) null))
                .whenComplete((x, error) -> markStaleOn(error));
    }

    /** Takes the user's unexpired queued messages, oldest first (a node that has the user's sessions). */
    @Override
    public CompletionStage<List<byte[]>> drain(String tenant, String user) {
        return redis.<List<Object>>eval(DRAIN, ScriptOutputType.MULTI, new String[] {keys.offline(tenant, user)})
                .thenApply(this::unexpired);
    }

    /** Whether a presence or membership write failed since this node last wrote its whole state. */
    @Override
    public boolean isStale() {
        return stale;
    }

    private void markStaleOn(Throwable error) {
        if (error != null) {
            stale = true;
        }
    }

    /** A session of the user on this node joined ({@code delta} 1) or left (-1) a group. */
    @Override
    public CompletionStage<Void> membership(String tenant, String group, String user, int delta) {
        String key = keys.members(nodeId, tenant, group);
        CompletionStage<Long> update = redis.hincrby(key, user, delta);
        return update.thenCompose(count -> {
            if (count <= 0) {
                return redis.hdel(key, user).thenApply(x -> null);
            }
            return redis.sadd(keys.nodeGroups(nodeId), bytes(key)).thenApply(x -> (Void) null);
        }).whenComplete((x, error) -> markStaleOn(error));
    }

    /** The user's session count per live node. */
    @Override
    public CompletionStage<Map<String, Integer>> presence(String tenant, String user) {
        return redis.hgetall(keys.presence(tenant, user)).thenCompose(fields -> liveOnly(fields.keySet()).thenApply(live -> {
            Map<String, Integer> out = new LinkedHashMap<>();
            fields.forEach((node, count) -> {
                int n = Integer.parseInt(string(count));
                if (live.contains(node) && n > 0) {
                    out.put(node, n);
                }
            });
            return out;
        }));
    }

    /** The group's users (sorted) and session count over every live node. */
    @Override
    public CompletionStage<Map.Entry<List<String>, Integer>> group(String tenant, String group) {
        return liveNodes().thenCompose(nodes -> {
            List<CompletableFuture<Map<String, byte[]>>> parts = new ArrayList<>();
            for (String node : nodes) {
                parts.add(redis.hgetall(keys.members(node, tenant, group)).toCompletableFuture());
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> {
                Set<String> users = new TreeSet<>();
                int sessions = 0;
                for (CompletableFuture<Map<String, byte[]>> part : parts) {
                    for (Map.Entry<String, byte[]> e : part.join().entrySet()) {
                        int n = Integer.parseInt(string(e.getValue()));
                        if (n > 0) {
                            users.add(e.getKey());
                            sessions += n;
                        }
                    }
                }
                return Map.entry(List.copyOf(users), sessions);
            });
        });
    }

    /** Ids of registered nodes whose liveness key expired (dead, not swept yet). */
    @Override
    public CompletionStage<Set<String>> deadNodes() {
        return redis.smembers(keys.nodes()).thenCompose(members -> {
            List<String> nodes = members.stream().map(RedisDirectory::string).toList();
            return liveOnly(nodes).thenApply(live -> {
                Set<String> dead = new TreeSet<>(nodes);
                dead.removeAll(live);
                return dead;
            });
        });
    }

    /** Ids of nodes whose liveness key exists. */
    public CompletionStage<Set<String>> liveNodes() {
        return redis.smembers(keys.nodes()).thenCompose(members -> {
            List<String> nodes = members.stream().map(RedisDirectory::string).toList();
            return liveOnly(nodes);
        });
    }

    private CompletionStage<Set<String>> liveOnly(Collection<String> nodes) {
        List<CompletableFuture<Long>> checks = new ArrayList<>();
        List<String> order = new ArrayList<>(nodes);
        for (String node : order) {
            checks.add(redis.exists(keys.node(node)).toCompletableFuture());
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(x -> {
            Set<String> live = new TreeSet<>();
            for (int i = 0; i < order.size(); i++) {
                if (checks.get(i).join() > 0) {
                    live.add(order.get(i));
                }
            }
            return live;
        });
    }

    /**
     * Refreshes this node's liveness key. Completes with true when the key had vanished (first start, a Redis
     * restart, or this node was declared dead): the caller must then write its local state again.
     */
    @Override
    public CompletionStage<Beat> heartbeat() {
        // SET ... GET: no previous value means the liveness key had expired meanwhile.
        return redis.setGet(keys.node(nodeId), bytes(Long.toString(clock.millis())), SetArgs.Builder.px(nodeTtlMillis))
                .thenCompose(previous -> redis.sadd(keys.nodes(), bytes(nodeId))
                        .thenApply(added -> added > 0 ? Beat.VANISHED : previous == null ? Beat.LAPSED : Beat.ALIVE));
    }

    /** Writes this node's presence and membership from scratch (after a Redis restart or a false death). */
    @Override
    public CompletionStage<Void> restore(Map<String, Integer> sessionsPerMember, Map<String, Map<String, Integer>> membersPerGroup) {
        stale = false;
        return forget(nodeId).thenCompose(x -> {
            List<CompletableFuture<?>> writes = new ArrayList<>();
            sessionsPerMember.forEach((member, count) -> {
                String[] tu = Directory.splitMember(member);
                writes.add(redis.hset(keys.presence(tu[0], tu[1]), nodeId, bytes(Integer.toString(count))).toCompletableFuture());
                writes.add(redis.sadd(keys.nodeUsers(nodeId), bytes(member)).toCompletableFuture());
            });
            membersPerGroup.forEach((tenantGroup, users) -> {
                String[] tg = Directory.splitMember(tenantGroup);
                String key = keys.members(nodeId, tg[0], tg[1]);
                Map<String, byte[]> values = new HashMap<>();
                users.forEach((user, n) -> values.put(user, bytes(Integer.toString(n))));
                if (!values.isEmpty()) {
                    writes.add(redis.hset(key, values).toCompletableFuture());
                    writes.add(redis.sadd(keys.nodeGroups(nodeId), bytes(key)).toCompletableFuture());
                }
            });
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        }).whenComplete((x, error) -> markStaleOn(error));
    }

    /** Removes dead nodes' presence and membership; one live node does it per dead node (a short lock). */
    @Override
    public CompletionStage<Void> sweepDeadNodes() {
        return redis.smembers(keys.nodes()).thenCompose(members -> {
            List<String> nodes = members.stream().map(RedisDirectory::string).filter(n -> !n.equals(nodeId)).toList();
            return liveOnly(nodes).thenCompose(live -> {
                List<CompletableFuture<?>> cleanups = new ArrayList<>();
                for (String node : nodes) {
                    if (!live.contains(node)) {
                        cleanups.add(redis.set(keys.janitorLock(node), bytes(nodeId), SetArgs.Builder.nx().px(nodeTtlMillis))
                                .thenCompose(locked -> locked == null ? CompletableFuture.completedFuture(null)
                                        : forget(node).thenCompose(x -> redis.srem(keys.nodes(), bytes(node))).thenApply(x -> {
                                            log.info("removed presence of dead node {}", node);
                                            return null;
                                        })).toCompletableFuture());
                    }
                }
                return CompletableFuture.allOf(cleanups.toArray(CompletableFuture[]::new));
            });
        });
    }

    /** Removes a node's presence and membership entries. */
    public CompletionStage<Void> forget(String node) {
        CompletionStage<Void> users = redis.smembers(keys.nodeUsers(node)).thenCompose(members -> {
            List<CompletableFuture<?>> dels = new ArrayList<>();
            for (byte[] m : members) {
                String[] tu = Directory.splitMember(string(m));
                dels.add(redis.hdel(keys.presence(tu[0], tu[1]), node).toCompletableFuture());
            }
            dels.add(redis.del(keys.nodeUsers(node)).toCompletableFuture());
            return CompletableFuture.allOf(dels.toArray(CompletableFuture[]::new));
        });
        CompletionStage<Void> groups = redis.smembers(keys.nodeGroups(node)).thenCompose(groupKeys -> {
            List<CompletableFuture<?>> dels = new ArrayList<>();
            for (byte[] key : groupKeys) {
                dels.add(redis.del(string(key)).toCompletableFuture());
            }
            dels.add(redis.del(keys.nodeGroups(node)).toCompletableFuture());
            return CompletableFuture.allOf(dels.toArray(CompletableFuture[]::new));
        });
        CompletionStage<Long> sessions = redis.del(keys.nodeSessions(node));
        return users.thenCombine(groups, (a, b) -> null).thenCombine(sessions, (a, b) -> null);
    }

    /** Marks this node gone at once (graceful shutdown), instead of waiting for its key to expire. */
    @Override
    public CompletionStage<Void> leave() {
        return redis.del(keys.node(nodeId)).thenCompose(x -> forget(nodeId)).thenCompose(x -> redis.srem(keys.nodes(), bytes(nodeId)))
                .thenApply(x -> null);
    }

    /** Queued entries are "millis frame"; each message's own age is checked when it is taken. */
    private List<byte[]> unexpired(List<Object> entries) {
        long oldest = clock.millis() - ttlMillis;
        List<byte[]> out = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            byte[] e = (byte[]) entry;
            int space = 0;
            while (space < e.length && e[space] != ' ') {
                space++;
            }
            long millis = space < e.length ? parseLong(e, space) : 0;
            if (millis > oldest) {
                out.add(Arrays.copyOfRange(e, space + 1, e.length));
            }
            else {
                metrics.dropped(DropReason.OFFLINE_EXPIRED);
            }
        }
        return out;
    }

    private static long parseLong(byte[] bytes, int end) {
        try {
            return Long.parseLong(new String(bytes, 0, end, StandardCharsets.US_ASCII));
        }
        catch (NumberFormatException e) {
            return 0;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
