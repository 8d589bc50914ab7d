package io.wsgrid.node.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.history.Epochs;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.history.StreamId;

/**
 * History in Redis, shared by every node of the cluster. Per stream a hash holds the offset counter and the epoch
 * ({@code top}, {@code epoch}) and a list holds the last {@code size} messages as {@code "offset millis frame"}.
 * Appending is one Lua script: it takes the next offset, splices offset and epoch into the frame, pushes and trims,
 * so offsets are gap-free and never handed out without their message. The epoch is made by the first script that
 * finds no hash, so a flushed or restarted Redis (or a stream idle past its metadata TTL) starts the stream again
 * under a new epoch. Both keys of a stream share its hash tag (one slot in Redis Cluster).
 */
public final class RedisHistory implements History {

    /**
     * Appends ARGV[1] (a frame without position) to the stream of KEYS[1] (meta) and KEYS[2] (list); ARGV: size, ttl
     * ms, meta ttl ms, epoch candidate, now ms. Leaves {@code offset}, {@code epoch} and {@code frame} set for what
     * follows it in a script.
     */
    static final String APPEND = epochOf("KEYS[1]", "ARGV[5]") + """
            local offset = redis.call('HINCRBY', KEYS[1], 'top', 1)
            local frame = string.sub(ARGV[1], 1, -2) .. ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '"}'
            redis.call('RPUSH', KEYS[2], offset .. ' ' .. ARGV[6] .. ' ' .. frame)
            redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            """;

    private static final String APPEND_SCRIPT = APPEND + "return {offset, epoch}\n";

    /** The stream's top, making its epoch when it has none. KEYS: meta; ARGV: epoch candidate, meta ttl ms. */
    static final String TOP = epochOf("KEYS[1]", "ARGV[1]") + """
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            local top = redis.call('HGET', KEYS[1], 'top') or '0'
            return {tonumber(top), epoch}
            """;

    /** Top, epoch and every held entry, in one consistent read. KEYS: meta, list; ARGV: epoch candidate, meta ttl ms. */
    private static final String SINCE = TOP.replace("return {tonumber(top), epoch}", """
            local out = {tonumber(top), epoch}
            for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do table.insert(out, entry) end
            return out
            """);

    /**
     * Lua that sets {@code epoch} to the stream's epoch (in the hash {@code meta}), making it from {@code candidate}
     * when the stream has none: the one place an epoch is born.
     */
    static String epochOf(String meta, String candidate) {
        return """
                local epoch = redis.call('HGET', %1$s, 'epoch')
                if not epoch then
                  epoch = %2$s
                  redis.call('HSET', %1$s, 'epoch', epoch)
                end
                """.formatted(meta, candidate);
    }

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final Keys keys;
    private final HistoryProperties properties;
    private final Clock clock;

    public RedisHistory(RedisClusterAsyncCommands<String, byte[]> redis, String prefix, HistoryProperties properties, Clock clock) {
        this.redis = redis;
        this.keys = new Keys(prefix);
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Appended> append(StreamId stream, byte[] frame) {
        return redis.<List<Object>>eval(APPEND_SCRIPT, ScriptOutputType.MULTI, new String[] {keys.streamMeta(stream), keys.streamHistory(stream)},
                appendArgs(frame)).thenApply(result -> {
                    StreamPosition position = new StreamPosition((Long) result.get(0), string(result.get(1)));
                    return new Appended(position, io.wsgrid.common.protocol.ProtocolCodec.withPosition(frame, position.offset(), position.epoch()));
                });
    }

    /** ARGV of {@link #APPEND}, first in the scripts that start with it. */
    byte[][] appendArgs(byte[] frame) {
        return new byte[][] {frame, bytes(Integer.toString(properties.size())), bytes(Long.toString(properties.ttl().toMillis())),
                bytes(Long.toString(properties.metaTtl().toMillis())), bytes(Epochs.next()), bytes(Long.toString(clock.millis()))};
    }

    @Override
    public CompletionStage<StreamPosition> top(StreamId stream) {
        return redis.<List<Object>>eval(TOP, ScriptOutputType.MULTI, new String[] {keys.streamMeta(stream)}, topArgs())
                .thenApply(result -> new StreamPosition((Long) result.get(0), string(result.get(1))));
    }

    byte[][] topArgs() {
        return new byte[][] {bytes(Epochs.next()), bytes(Long.toString(properties.metaTtl().toMillis()))};
    }

    @Override
    public CompletionStage<Replay> since(StreamId stream, StreamPosition position) {
        return redis.<List<Object>>eval(SINCE, ScriptOutputType.MULTI, new String[] {keys.streamMeta(stream), keys.streamHistory(stream)},
                topArgs()).thenApply(result -> {
                    StreamPosition top = new StreamPosition((Long) result.get(0), string(result.get(1)));
                    if (!top.epoch().equals(position.epoch())) {
                        return new Replay(false, List.of(), top);
                    }
                    long oldest = clock.millis() - properties.ttl().toMillis();
                    List<Entry> entries = new ArrayList<>();
                    for (int i = 2; i < result.size(); i++) {
                        Entry entry = parse((byte[]) result.get(i), oldest);
                        if (entry != null && entry.offset() > position.offset()) {
                            entries.add(entry);
                        }
                    }
                    boolean recovered = position.offset() <= top.offset() && entries.size() == top.offset() - position.offset()
                            && (entries.isEmpty() || entries.getFirst().offset() == position.offset() + 1);
                    return new Replay(recovered, entries, top);
                });
    }

    /** An "offset millis frame" entry, or null when older than {@code oldest} or malformed. */
    static Entry parse(byte[] entry, long oldest) {
        int first = indexOf(entry, 0);
        int second = first < 0 ? -1 : indexOf(entry, first + 1);
        if (second < 0) {
            return null;
        }
        long offset = Long.parseLong(new String(entry, 0, first, StandardCharsets.US_ASCII));
        long millis = Long.parseLong(new String(entry, first + 1, second - first - 1, StandardCharsets.US_ASCII));
        if (millis <= oldest) {
            return null;
        }
        byte[] frame = new byte[entry.length - second - 1];
        System.arraycopy(entry, second + 1, frame, 0, frame.length);
        return new Entry(offset, frame);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
