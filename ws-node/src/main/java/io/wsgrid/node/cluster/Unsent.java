package io.wsgrid.node.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stream envelopes this node could not publish because its bus failed, kept to publish again once the bus is back (at
 * the next heartbeat that finds it up). The bus is at most once, and the other nodes fill a gap from history only when
 * a later message of the stream shows it or when they saw their own bus go down; when only this node's bus failed,
 * the last messages of a stream would stay missing there until the stream's next message. Publishing again is safe:
 * each node's sequencer drops what it already has.
 *
 * <p>Bounded: past {@code capacity} an envelope is refused, and the caller falls back (a user message is queued, a
 * group message waits for the next one of its stream). Thread-safe.
 */
final class Unsent {

    /** An envelope for one node, or for every other node when {@code node} is null. */
    private record Entry(String node, Envelope envelope) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int capacity;

    Unsent(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps an envelope for {@code node} (null: every other node); false when full. */
    synchronized boolean add(String node, Envelope envelope) {
        if (entries.size() >= capacity) {
            return false;
        }
        entries.add(new Entry(node, envelope));
        return true;
    }

    synchronized int size() {
        return entries.size();
    }

    /**
     * Publishes everything kept, in the order it was kept. What fails again is kept again; a directed envelope whose
     * node has no receiver any more (it died meanwhile), or that finds no room to be kept again, goes to
     * {@code noReceiver}.
     */
    void publish(ClusterBus bus, Consumer<Envelope> noReceiver) {
        List<Entry> batch;
        synchronized (this) {
            batch = new ArrayList<>(entries);
            entries.clear();
        }
        for (Entry entry : batch) {
            if (entry.node() == null) {
                bus.publishToAll(entry.envelope()).whenComplete((x, error) -> {
                    if (error != null) {
                        add(null, entry.envelope());
                    }
                });
            }
            else {
                bus.publishTo(entry.node(), entry.envelope()).whenComplete((received, error) -> {
                    if (error != null ? !add(entry.node(), entry.envelope()) : !received) {
                        noReceiver.accept(entry.envelope());
                    }
                });
            }
        }
    }
}
