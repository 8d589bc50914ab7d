package io.wsgrid.gateway.replicas;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.PeriodicTask;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.BackendState;
import io.wsgrid.gateway.backend.Backends;
import io.wsgrid.gateway.balancing.Balancer;
import io.wsgrid.gateway.relay.Clients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The admin changes of every replica: an operator's change (state, weight, added or removed backend, strategy) is
 * applied here at once, which builds the new snapshot the data path reads, and saved to the {@link SharedState};
 * changes saved by other replicas are applied here when announced, or at the next heartbeat when the announcement
 * was lost (a Redis outage). A replica that starts loads the shared state first thing.
 *
 * <p>Threading: admin calls and the reconciliation hold this object's lock while they touch the backends and the
 * cached shared state, so a reload never undoes a change made meanwhile; Redis is only called from the heartbeat
 * thread. A change whose save failed is kept and saved again each heartbeat until Redis takes it, and until then no
 * reload replaces it. With Redis down the replica goes on with what it has.
 */
@Component
public class SharedControl extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(SharedControl.class);
    private static final String ENABLED = "ENABLED";

    private final SharedState store;
    private final Backends backends;
    private final Balancer balancer;
    private final Clients clients;
    private final Environment environment;
    private final GatewayProperties properties;
    private final Duration ttl;

    private Map<String, SharedState.SharedBackend> shared = Map.of();
    private String sharedStrategy;
    private long appliedVersion = -1;
    private long localChanges;
    private final Map<String, SharedState.SharedBackend> unsaved = new LinkedHashMap<>();
    private String unsavedStrategy;
    private volatile List<ReplicaView> replicas = List.of();
    private volatile String lastError;
    private String id;

    SharedControl(SharedState store, Backends backends, Balancer balancer, Clients clients, Environment environment,
            GatewayProperties properties) {
        super("wsgrid-shared-state", properties.replica().heartbeat());
        this.store = store;
        this.backends = backends;
        this.balancer = balancer;
        this.clients = clients;
        this.environment = environment;
        this.properties = properties;
        this.ttl = properties.replica().heartbeat().multipliedBy(3);
        store.onChange(() -> runSoon(this::reload));
    }

    // ---- operator changes: applied here, then shared ----

    public synchronized Backend add(URI url, int weight) {
        Backend backend = backends.add(url, weight, "api");
        if (backend.weight() != weight) {
            backends.weight(backend.id(), weight);
        }
        share(backend, false);
        return backend;
    }

    public synchronized boolean remove(String id) {
        Optional<Backend> backend = backends.get(id);
        if (backend.isEmpty() || !backends.remove(id)) {
            return false;
        }
        share(backend.get(), true);
        return true;
    }

    public synchronized Backend enable(String id) {
        return share(backends.enable(id), false);
    }

    public synchronized Backend disable(String id) {
        return share(backends.disable(id), false);
    }

    public synchronized Backend drain(String id) {
        return share(backends.drain(id), false);
    }

    public synchronized Backend weight(String id, int weight) {
        return share(backends.weight(id, weight), false);
    }

    public synchronized String strategy(String name) {
        balancer.strategy(name);
        sharedStrategy = balancer.strategy();
        unsavedStrategy = sharedStrategy;
        localChanges++;
        runSoon(this::flush);
        return sharedStrategy;
    }

    private Backend share(Backend b, boolean removed) {
        String state = switch (b.state()) {
            case DISABLED -> BackendState.DISABLED.name();
            case DRAINING -> BackendState.DRAINING.name();
            default -> ENABLED;
        };
        SharedState.SharedBackend record = new SharedState.SharedBackend(b.uri().toString(), b.weight(), state, b.source(), removed);
        Map<String, SharedState.SharedBackend> next = new HashMap<>(shared);
        next.put(b.id(), record);
        shared = next;
        unsaved.put(b.id(), record);
        localChanges++;
        runSoon(this::flush);
        return b;
    }

    // ---- the replicas ----

    /** Every live replica, this one first; this one is there even when Redis is not. */
    public List<ReplicaView> replicas() {
        ReplicaView self = self();
        List<ReplicaView> others = replicas.stream().filter(r -> !r.id().equals(self.id())).toList();
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(self), others.stream()).toList();
    }

    /** This replica's id. */
    public String id() {
        if (id == null) {
            id = properties.replica().id().isBlank() ? hostName() + ":" + adminPort() : properties.replica().id();
        }
        return id;
    }

    /** Why the last exchange with the shared state failed, or null when it worked. */
    public String lastError() {
        return lastError;
    }

    private ReplicaView self() {
        Map<String, Integer> perBackend = new LinkedHashMap<>();
        backends.all().forEach(b -> perBackend.put(b.id(), b.connections()));
        String adminUrl = properties.replica().adminUrl().isBlank() ? "http://" + hostAddress() + ":" + adminPort()
                : properties.replica().adminUrl();
        return new ReplicaView(id(), adminUrl, clients.count(), perBackend, balancer.strategy(), System.currentTimeMillis());
    }

    private String adminPort() {
        return environment.getProperty("local.server.port", environment.getProperty("server.port", "9090"));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            return "gateway";
        }
    }

    private static String hostAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        }
        catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    // ---- the heartbeat thread ----

    @Override
    protected void runOnce() {
        try {
            flush();
            if (store.version() != appliedVersion) {
                reload();
            }
            synchronized (this) {
                // Backends found later (DNS, a replica's config) get what operators decided about them.
                reconcile();
            }
            store.heartbeat(self(), ttl);
            replicas = store.replicas();
            recovered();
        }
        catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Saves the changes not saved yet; on failure they stay for the next heartbeat. */
    private void flush() {
        Map<String, SharedState.SharedBackend> pending;
        String strategy;
        synchronized (this) {
            pending = new LinkedHashMap<>(unsaved);
            strategy = unsavedStrategy;
        }
        try {
            pending.forEach(store::saveBackend);
            if (strategy != null) {
                store.saveStrategy(strategy);
            }
        }
        catch (RuntimeException e) {
            failed(e);
            return;
        }
        synchronized (this) {
            pending.forEach(unsaved::remove);
            if (strategy != null && strategy.equals(unsavedStrategy)) {
                unsavedStrategy = null;
            }
        }
    }

    /** Loads the shared state and applies it, unless a change of this replica is still on its way to Redis. */
    private void reload() {
        long changes;
        synchronized (this) {
            if (!unsaved.isEmpty() || unsavedStrategy != null) {
                return;
            }
            changes = localChanges;
        }
        SharedState.Snapshot snapshot;
        try {
            snapshot = store.load();
        }
        catch (RuntimeException e) {
            failed(e);
            return;
        }
        synchronized (this) {
            if (changes != localChanges || !unsaved.isEmpty() || unsavedStrategy != null) {
                return;
            }
            shared = Map.copyOf(snapshot.backends());
            sharedStrategy = snapshot.strategy();
            appliedVersion = snapshot.version();
            reconcile();
        }
    }

    /** Makes this replica's backends and strategy match the shared state; only differences are applied. */
    private void reconcile() {
        if (sharedStrategy != null && !sharedStrategy.equals(balancer.strategy())) {
            try {
                balancer.strategy(sharedStrategy);
            }
            catch (IllegalArgumentException e) {
                log.warn("shared strategy '{}' is unknown here; keeping {}", sharedStrategy, balancer.strategy());
            }
        }
        shared.forEach((id, record) -> {
            Optional<Backend> local = backends.get(id);
            try {
                if (record.removed()) {
                    local.ifPresent(b -> backends.remove(id));
                    return;
                }
                Backend b = local.isPresent() ? local.get()
                        : "api".equals(record.source()) ? backends.add(URI.create(record.url()), record.weight(), "api") : null;
                if (b == null) {
                    return;
                }
                if (b.weight() != record.weight()) {
                    backends.weight(id, record.weight());
                }
                BackendState state = b.state();
                switch (record.state()) {
                    case "DISABLED" -> {
                        if (state != BackendState.DISABLED) {
                            backends.disable(id);
                        }
                    }
                    case "DRAINING" -> {
                        if (state != BackendState.DRAINING) {
                            backends.drain(id);
                        }
                    }
                    default -> {
                        if (state == BackendState.DISABLED || state == BackendState.DRAINING) {
                            backends.enable(id);
                        }
                    }
                }
            }
            catch (IllegalArgumentException | NoSuchElementException e) {
                log.warn("shared setting of backend {} cannot be applied here: {}", id, e.getMessage());
            }
        });
    }

    private void failed(RuntimeException e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (lastError == null) {
            log.warn("gateway shared state unreachable, going on with the last known state: {}", why);
        }
        lastError = why;
    }

    private void recovered() {
        if (lastError != null) {
            log.info("gateway shared state reachable again");
            lastError = null;
        }
    }
}
