package io.wsgrid.node.offline;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The standalone node's offline queue, in this JVM's memory: lost when the node stops, which is acceptable for a
 * single node (its sessions are lost then too). Clustered nodes keep the queue in Redis.
 */
@Component
public class InMemoryOfflineStore implements OfflineStore {

    private record Entry(byte[] message, long expiresAtMillis) {
    }

    private record Key(String tenant, String user) {
    }

    private final Map<Key, Deque<Entry>> queues = new ConcurrentHashMap<>();
    private final int capacity;
    private final long ttlMillis;
    private final Clock clock;
    private final NodeMetrics metrics;

    public InMemoryOfflineStore(OfflineProperties properties, Clock clock, NodeMetrics metrics) {
        this.capacity = properties.capacity();
        this.ttlMillis = properties.ttl().toMillis();
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void enqueue(String tenant, String user, byte[] message) {
        long expires = clock.millis() + ttlMillis;
        queues.compute(new Key(tenant, user), (k, queue) -> {
            Deque<Entry> q = queue == null ? new ArrayDeque<>() : queue;
            if (q.size() >= capacity) {
                q.pollFirst();
                metrics.dropped(DropReason.OFFLINE_CAP);
            }
            q.addLast(new Entry(message, expires));
            return q;
        });
        metrics.offlineQueued();
    }

    @Override
    public List<byte[]> drain(String tenant, String user) {
        Deque<Entry> queue = queues.remove(new Key(tenant, user));
        if (queue == null) {
            return List.of();
        }
        long now = clock.millis();
        List<byte[]> out = new ArrayList<>(queue.size());
        for (Entry e : queue) {
            if (e.expiresAtMillis > now) {
                out.add(e.message);
            }
            else {
                metrics.dropped(DropReason.OFFLINE_EXPIRED);
            }
        }
        return out;
    }

    /** Frees queues of users who did not come back in time. */
    @Scheduled(fixedDelayString = "${wsgrid.node.offline.purge-interval:60s}")
    void purgeExpired() {
        long now = clock.millis();
        for (Key key : queues.keySet()) {
            queues.computeIfPresent(key, (k, q) -> {
                while (!q.isEmpty() && q.peekFirst().expiresAtMillis <= now) {
                    q.pollFirst();
                    metrics.dropped(DropReason.OFFLINE_EXPIRED);
                }
                return q.isEmpty() ? null : q;
            });
        }
    }

    /** Messages currently queued for the user (for tests and stats). */
    public int queued(String tenant, String user) {
        Deque<Entry> q = queues.get(new Key(tenant, user));
        return q == null ? 0 : q.size();
    }
}
