package io.wsgrid.node.history;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.StreamPosition;

/**
 * The standalone node's history, in this JVM's memory: a stream's epoch is made when the stream is first used, so a
 * restarted node starts every stream under a new epoch and resuming clients learn they may have missed messages.
 * Streams idle for longer than the metadata TTL are forgotten by {@link #sweep}.
 */
public final class InMemoryHistory implements History {

    private record Stored(long offset, byte[] frame, long atMillis) {
    }

    private static final class Stream {
        final String epoch = Epochs.next();
        final ArrayDeque<Stored> entries = new ArrayDeque<>();
        long top;
        long lastUsedMillis;
        /** Set under the stream's lock when {@link #sweep} forgot it; callers holding it look it up again. */
        boolean forgotten;
    }

    private final Map<StreamId, Stream> streams = new ConcurrentHashMap<>();
    private final int size;
    private final long ttlMillis;
    private final long metaTtlMillis;
    private final Clock clock;

    public InMemoryHistory(HistoryProperties properties, Clock clock) {
        this.size = properties.size();
        this.ttlMillis = properties.ttl().toMillis();
        this.metaTtlMillis = properties.metaTtl().toMillis();
        this.clock = clock;
    }

    @Override
    public CompletionStage<Appended> append(StreamId id, byte[] frame) {
        return CompletableFuture.completedFuture(appendThen(id, frame, appended -> { }));
    }

    /**
     * Appends and runs {@code then} under the stream's lock, so what {@code then} does (hand the message on) happens
     * in offset order across threads.
     */
    public Appended appendThen(StreamId id, byte[] frame, java.util.function.Consumer<Appended> then) {
        return locked(id, stream -> {
            long now = clock.millis();
            long offset = ++stream.top;
            byte[] positioned = ProtocolCodec.withPosition(frame, offset, stream.epoch);
            stream.entries.addLast(new Stored(offset, positioned, now));
            if (stream.entries.size() > size) {
                stream.entries.pollFirst();
            }
            stream.lastUsedMillis = now;
            Appended appended = new Appended(new StreamPosition(offset, stream.epoch), positioned);
            then.accept(appended);
            return appended;
        });
    }

    @Override
    public CompletionStage<StreamPosition> top(StreamId id) {
        return CompletableFuture.completedFuture(locked(id, stream -> new StreamPosition(stream.top, stream.epoch)));
    }

    @Override
    public CompletionStage<Replay> since(StreamId id, StreamPosition position) {
        long oldest = clock.millis() - ttlMillis;
        return CompletableFuture.completedFuture(locked(id, stream -> {
            StreamPosition top = new StreamPosition(stream.top, stream.epoch);
            if (!stream.epoch.equals(position.epoch())) {
                return new Replay(false, List.of(), top);
            }
            List<Entry> out = new ArrayList<>();
            for (Stored s : stream.entries) {
                if (s.offset > position.offset() && s.atMillis > oldest) {
                    out.add(new Entry(s.offset, s.frame));
                }
            }
            boolean recovered = position.offset() <= stream.top
                    && out.size() == stream.top - position.offset()
                    && (out.isEmpty() || out.getFirst().offset() == position.offset() + 1);
            return new Replay(recovered, out, top);
        }));
    }

    /** Forgets streams idle for longer than the metadata TTL and messages older than the TTL. */
    public void sweep() {
        long now = clock.millis();
        for (Iterator<Map.Entry<StreamId, Stream>> it = streams.entrySet().iterator(); it.hasNext();) {
            Stream stream = it.next().getValue();
            synchronized (stream) {
                if (now - stream.lastUsedMillis > metaTtlMillis) {
                    stream.forgotten = true;
                    it.remove();
                    continue;
                }
                while (!stream.entries.isEmpty() && stream.entries.peekFirst().atMillis <= now - ttlMillis) {
                    stream.entries.pollFirst();
                }
            }
        }
    }

    private <T> T locked(StreamId id, java.util.function.Function<Stream, T> action) {
        while (true) {
            Stream stream = streams.computeIfAbsent(id, k -> new Stream());
            synchronized (stream) {
                if (!stream.forgotten) {
                    if (stream.lastUsedMillis == 0) {
                        stream.lastUsedMillis = clock.millis();
                    }
                    return action.apply(stream);
                }
            }
        }
    }
}
