package io.wsgrid.gateway.replicas;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the gateway replicas keep the admin changes they share, and their heartbeats. Two implementations: in
 * memory (one replica, {@code wsgrid.gateway.shared-state=none}) and Redis.
 *
 * <p>Guarantees: a save has happened when it returns (or it throws and nothing is promised); every save raises
 * {@link #version()}, then notifies the {@link #onChange} listeners of every replica at most once (Redis pub/sub: a
 * notification sent while a replica is cut off is lost, so replicas also compare the version each heartbeat and
 * reload when it moved). Saves of one key are last-writer-wins; {@link #load()} returns one consistent view per key,
 * not an atomic snapshot of all keys. {@link #replicas()} lists the replicas whose last heartbeat is younger than the
 * ttl given to it. When the server is down every call throws; callers keep their last good state.
 */
interface SharedState {

    /**
     * What operators decided about one backend. {@code state} is the operator's: {@code ENABLED} (health checks
     * decide), {@code DISABLED} or {@code DRAINING}. {@code removed} marks a backend removed through the admin API, so
     * a replica that still has it in its configuration removes it too.
     */
    record SharedBackend(String url, int weight, String state, String source, boolean removed) {
    }

    /** The shared state as last saved; {@code strategy} is null until someone switched it. */
    record Snapshot(String strategy, Map<String, SharedBackend> backends, long version) {
    }

    Snapshot load();

    /** Raised by every save; cheap to read each heartbeat. */
    long version();

    void saveBackend(String id, SharedBackend backend);

    void saveStrategy(String strategy);

    /** Publishes this replica's heartbeat, listed by {@link #replicas()} until {@code ttl} has passed. */
    void heartbeat(ReplicaView replica, Duration ttl);

    /** Every replica with a live heartbeat, by id. */
    List<ReplicaView> replicas();

    /** Called (on some other thread) after any replica saved something. */
    void onChange(Runnable listener);
}
