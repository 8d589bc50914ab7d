package io.wsgrid.gateway.replicas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The shared state of a gateway that shares it with nobody: in this process, listeners called at once. */
final class MemorySharedState implements SharedState {

    private final Map<String, SharedBackend> backends = new HashMap<>();
    private final Map<String, ReplicaView> replicas = new HashMap<>();
    private final Map<String, Long> expiry = new HashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private String strategy;
    private long version;

    @Override
    public synchronized Snapshot load() {
        return new Snapshot(strategy, Map.copyOf(backends), version);
    }

    @Override
    public synchronized long version() {
        return version;
    }

    @Override
    public void saveBackend(String id, SharedBackend backend) {
        synchronized (this) {
            backends.put(id, backend);
            version++;
        }
        listeners.forEach(Runnable::run);
    }

    @Override
    public void saveStrategy(String name) {
        synchronized (this) {
            strategy = name;
            version++;
        }
        listeners.forEach(Runnable::run);
    }

    @Override
    public synchronized void heartbeat(ReplicaView replica, Duration ttl) {
        replicas.put(replica.id(), replica);
        expiry.put(replica.id(), System.currentTimeMillis() + ttl.toMillis());
    }

    @Override
    public synchronized List<ReplicaView> replicas() {
        long now = System.currentTimeMillis();
        List<ReplicaView> live = new ArrayList<>();
        replicas.forEach((id, r) -> {
            if (expiry.get(id) > now) {
                live.add(r);
            }
        });
        live.sort(Comparator.comparing(ReplicaView::id));
        return live;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
