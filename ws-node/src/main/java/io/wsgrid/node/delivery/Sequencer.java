package io.wsgrid.node.delivery;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands this node's sessions each stream's messages once and in offset order, whatever order they arrive in. Messages
 * of one stream come from many publishers (every node's REST API, the bus, the offline queue), so they can arrive out
 * of order, twice, or not at all (the bus is at-most-once). Per stream the sequencer remembers the last offset it
 * passed on: a message at or below it is a duplicate and dropped; the next one is passed on at once; one further
 * ahead waits while the missing offsets are read from {@link History} (after a short grace, since most gaps are only
 * reordering and close by themselves). A gap that history cannot fill any more is skipped and counted
 * ({@code wsgrid_drops_total{reason="history_gap"}}); the sessions of that stream learn it when they resume.
 *
 * <p>A stream's position comes from the sessions that follow it ({@link #follow}: the top their {@code connected},
 * {@code joined} or resume reported). A message that arrives before any follower gave one (in the moment between a
 * session entering the hub and its top being read) does not set the position by itself, since an earlier offset may
 * still be on its way: it waits with whatever else comes until a follower anchors the stream, or at most the grace.
 * A stream is kept while a session here follows it, so this happens only around a stream's first follower.
 *
 * <p>Thread-safe: each stream's state is guarded by its own monitor, and messages are passed on under it, so the
 * order in which {@link Sink} sees them is the offset order. Passing on never blocks (it posts to event loops).
 */
public final class Sequencer {

    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);

    /** How long a gap may stay open before history is asked; most gaps are reordering and close within this. */
    static final long GAP_GRACE_MILLIS = 50;
    private static final int MAX_FETCH_ATTEMPTS = 5;
    /** Streams untouched this long, with nothing pending, are forgotten. */
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(2);

    /** Where ordered messages go: this node's sessions of the stream. */
    public interface Sink {
        void deliver(StreamId stream, long offset, String epoch, byte[] frame, long acceptedNanos);

        /** Whether a session of this node follows the stream (its state must then be kept). */
        boolean follows(StreamId stream);
    }

    private record Pending(byte[] frame, long acceptedNanos) {
    }

    private static final class Stream {
        String epoch;
        long last;
        /** False until a follower gave the stream its position: messages wait in {@code pending} meanwhile. */
        boolean anchored;
        final TreeMap<Long, Pending> pending = new TreeMap<>();
        boolean fetching;
        long touchedNanos;
    }

    private final Map<StreamId, Stream> streams = new ConcurrentHashMap<>();
    private final History history;
    private final NodeMetrics metrics;
    private final Executor delayed = CompletableFuture.delayedExecutor(GAP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    private Sink sink;

    public Sequencer(History history, NodeMetrics metrics) {
        this.history = history;
        this.metrics = metrics;
    }

    /** Set once, before the first message: where ordered messages go. */
    public void sink(Sink sink) {
        this.sink = sink;
    }

    /**
     * A session of this node starts following the stream at {@code top} (its {@code connected} or {@code joined}
     * position): the sequencer starts from there unless it already follows the stream in that epoch.
     */
    public void follow(StreamId id, StreamPosition top) {
        Stream stream = streams.computeIfAbsent(id, k -> new Stream());
        synchronized (stream) {
            stream.touchedNanos = System.nanoTime();
            boolean sameEpoch = top.epoch().equals(stream.epoch);
            if (stream.anchored && sameEpoch) {
                return;
            }
            // A first follower, or the stream was reset: start at its top; what waited past the top goes on.
            stream.anchored = true;
            stream.epoch = top.epoch();
            stream.last = top.offset();
            if (!sameEpoch) {
                stream.pending.clear();
            }
            drain(id, stream);
            fillGap(id, stream);
        }
    }

    /**
     * Forgets the stream unless a session of this node follows it (checked atomically with the removal, so a session
     * that starts following meanwhile keeps it): a session that follows it later starts from its own top instead of
     * waiting for a gap nobody here needs filled.
     */
    public void forget(StreamId id) {
        streams.computeIfPresent(id, (k, stream) -> sink.follows(k) ? stream : null);
    }

    /** A message of the stream arrived (from this node's own send, the bus or an offline queue). */
    public void offer(StreamId id, long offset, String epoch, byte[] frame, long acceptedNanos) {
        Stream stream = streams.computeIfAbsent(id, k -> new Stream());
        synchronized (stream) {
            stream.touchedNanos = System.nanoTime();
            if (!stream.anchored) {
                // No follower gave a position yet: an earlier offset may still come, so nothing is passed on until a
                // follower anchors the stream or the grace ends (then it starts from the oldest message that came).
                if (stream.epoch == null || !stream.epoch.equals(epoch)) {
                    stream.epoch = epoch;
                    stream.pending.clear();
                    delayed.execute(() -> anchorAtOldest(id, stream, epoch));
                }
                stream.pending.putIfAbsent(offset, new Pending(frame, acceptedNanos));
                return;
            }
            if (!stream.epoch.equals(epoch)) {
                // The stream was reset (its history lost) and its offsets started again: start over from this one.
                stream.epoch = epoch;
                stream.last = offset - 1;
                stream.pending.clear();
            }
            if (offset <= stream.last) {
                metrics.dropped(DropReason.DUPLICATE);
                return;
            }
            if (offset == stream.last + 1) {
                pass(id, stream, offset, frame, acceptedNanos);
                drain(id, stream);
                return;
            }
            stream.pending.putIfAbsent(offset, new Pending(frame, acceptedNanos));
            fillGap(id, stream);
        }
    }

    /** The grace of an unanchored stream ended with no follower: it starts from the oldest message that came. */
    private void anchorAtOldest(StreamId id, Stream stream, String epoch) {
        synchronized (stream) {
            if (stream.anchored || !epoch.equals(stream.epoch)) {
                return;
            }
            stream.anchored = true;
            stream.last = stream.pending.isEmpty() ? 0 : stream.pending.firstKey() - 1;
            drain(id, stream);
            fillGap(id, stream);
        }
    }

    /** After the grace, reads a gap that messages wait behind from history, unless a read is under way. Under the lock. */
    private void fillGap(StreamId id, Stream stream) {
        if (!stream.fetching && !stream.pending.isEmpty() && stream.pending.firstKey() > stream.last + 1) {
            stream.fetching = true;
            String gapEpoch = stream.epoch;
            delayed.execute(() -> fill(id, stream, gapEpoch, 1));
        }
    }

    private void fill(StreamId id, Stream stream, String epoch, int attempt) {
        StreamPosition from;
        synchronized (stream) {
            if (stream.pending.isEmpty() || !epoch.equals(stream.epoch)) {
                stream.fetching = false;
                return;
            }
            from = new StreamPosition(stream.last, stream.epoch);
        }
        history.since(id, from).whenComplete((replay, error) -> {
            synchronized (stream) {
                if (error != null) {
                    if (attempt < MAX_FETCH_ATTEMPTS) {
                        CompletableFuture.delayedExecutor(GAP_GRACE_MILLIS * (1L << attempt), TimeUnit.MILLISECONDS)
                                .execute(() -> fill(id, stream, epoch, attempt + 1));
                        return;
                    }
                    log.warn("could not read the history of {} to fill a gap after offset {}: {}", id, stream.last, error.toString());
                }
                else if (epoch.equals(stream.epoch)) {
                    passReplayed(id, stream, replay);
                    if (replay.top() != null && epoch.equals(replay.top().epoch())) {
                        // Only offsets up to the top history had when it was read can be known lost. Messages that
                        // arrived during the read may open a gap above it whose offsets were appended after the read
                        // and are still on their way: read again for those instead of skipping them.
                        long top = replay.top().offset();
                        while (!stream.pending.isEmpty() && stream.pending.firstKey() > stream.last + 1 && stream.last < top) {
                            long skipTo = Math.min(stream.pending.firstKey() - 1, top);
                            metrics.dropped(DropReason.HISTORY_GAP, (int) (skipTo - stream.last));
                            stream.last = skipTo;
                            drain(id, stream);
                        }
                        if (!stream.pending.isEmpty() && stream.pending.firstKey() > stream.last + 1) {
                            delayed.execute(() -> fill(id, stream, epoch, 1));
                            return;
                        }
                        stream.fetching = false;
                        return;
                    }
                }
                // What neither the bus nor history holds any more is gone: skip to the oldest pending message.
                while (!stream.pending.isEmpty() && stream.pending.firstKey() > stream.last + 1) {
                    metrics.dropped(DropReason.HISTORY_GAP, (int) (stream.pending.firstKey() - stream.last - 1));
                    stream.last = stream.pending.firstKey() - 1;
                    drain(id, stream);
                }
                stream.fetching = false;
            }
        });
    }

    /** Passes on what history held after the stream's last offset, then whatever waited behind it. Under the lock. */
    private void passReplayed(StreamId id, Stream stream, History.Replay replay) {
        long now = System.nanoTime();
        for (History.Entry entry : replay.entries()) {
            if (entry.offset() == stream.last + 1) {
                stream.pending.remove(entry.offset());
                pass(id, stream, entry.offset(), entry.frame(), now);
            }
        }
        drain(id, stream);
    }

    private void drain(StreamId id, Stream stream) {
        Map.Entry<Long, Pending> next;
        while ((next = stream.pending.firstEntry()) != null && next.getKey() <= stream.last + 1) {
            stream.pending.pollFirstEntry();
            if (next.getKey() == stream.last + 1) {
                pass(id, stream, next.getKey(), next.getValue().frame(), next.getValue().acceptedNanos());
            }
        }
    }

    private void pass(StreamId id, Stream stream, long offset, byte[] frame, long acceptedNanos) {
        stream.last = offset;
        sink.deliver(id, offset, stream.epoch, frame, acceptedNanos);
    }

    /**
     * Reads from history what every followed stream got since the last message passed on, and passes it on: after
     * the bus was down, messages published meanwhile never arrived, and no later message may come to reveal the gap.
     */
    public void catchUp() {
        streams.forEach((id, stream) -> {
            synchronized (stream) {
                if (stream.anchored && !stream.fetching) {
                    stream.fetching = true;
                    String epoch = stream.epoch;
                    CompletableFuture.runAsync(() -> catchUp(id, stream, epoch));
                }
            }
        });
    }

    private void catchUp(StreamId id, Stream stream, String epoch) {
        StreamPosition from;
        synchronized (stream) {
            from = new StreamPosition(stream.last, epoch);
        }
        history.since(id, from).whenComplete((replay, error) -> {
            synchronized (stream) {
                if (error == null && epoch.equals(stream.epoch)) {
                    passReplayed(id, stream, replay);
                }
                stream.fetching = false;
            }
        });
    }

    /**
     * Forgets streams no session here follows that were idle for a while with nothing pending; called from the node's
     * periodic sweep. A followed stream is kept however idle: forgetting it would make its next message start it anew.
     */
    public void sweep() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<StreamId, Stream>> it = streams.entrySet().iterator(); it.hasNext();) {
            Map.Entry<StreamId, Stream> entry = it.next();
            Stream stream = entry.getValue();
            synchronized (stream) {
                if (!stream.fetching && stream.pending.isEmpty() && now - stream.touchedNanos > IDLE_NANOS && !sink.follows(entry.getKey())) {
                    it.remove();
                }
            }
        }
    }

}
