package io.wsgrid.gateway.backend;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgrid.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The set of backends. Changes (added, removed, state switched) build a new immutable list that the data path reads
 * without locks; a change that fails leaves the last list in place. Listeners hear about drains and removals.
 */
@Component
public class Backends {

    private static final Logger log = LoggerFactory.getLogger(Backends.class);

    private volatile List<Backend> snapshot = List.of();
    private final List<Consumer<Backend>> drainListeners = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry;

    public Backends(GatewayProperties properties, MeterRegistry registry) {
        this.registry = registry;
        properties.backends().forEach(uri -> add(uri, 1, "config"));
    }

    /** The current backends (an immutable snapshot). */
    public List<Backend> all() {
        return snapshot;
    }

    public Optional<Backend> get(String id) {
        return snapshot.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** Adds a backend (UP until health checks say otherwise); returns the existing one for a known URI. */
    public synchronized Backend add(URI uri, int weight, String source) {
        if (uri.getHost() == null || uri.getPort() <= 0 || !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("backend URL must look like http://host:port, got " + uri);
        }
        checkWeight(weight);
        String id = uri.getHost() + ":" + uri.getPort();
        Optional<Backend> existing = get(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        Backend backend = new Backend(id, URI.create("http://" + id), weight, source);
        backend.state(BackendState.UP);
        List<Backend> next = new ArrayList<>(snapshot);
        next.add(backend);
        snapshot = List.copyOf(next);
        Gauge.builder("wsgrid.gateway.connections", backend, Backend::connections).description("Sessions relayed to a backend")
                .tag("backend", id).register(registry);
        Gauge.builder("wsgrid.gateway.backend.up", backend, b -> b.state() == BackendState.UP ? 1 : 0)
                .description("1 when the backend takes new sessions").tag("backend", id).register(registry);
        log.info("backend {} added ({}, weight {})", id, source, weight);
        return backend;
    }

    /** Removes a backend; its live sessions are drained (1012) first. */
    public synchronized boolean remove(String id) {
        Optional<Backend> backend = get(id);
        if (backend.isEmpty()) {
            return false;
        }
        drain(id);
        List<Backend> next = new ArrayList<>(snapshot);
        next.remove(backend.get());
        snapshot = List.copyOf(next);
        registry.find("wsgrid.gateway.connections").tag("backend", id).meters().forEach(registry::remove);
        registry.find("wsgrid.gateway.backend.up").tag("backend", id).meters().forEach(registry::remove);
        log.info("backend {} removed", id);
        return true;
    }

    /** Changes a backend's weight (weighted round robin); takes effect from the next pick. */
    public Backend weight(String id, int weight) {
        checkWeight(weight);
        Backend backend = require(id);
        backend.weight(weight);
        log.info("backend {} weight is now {}", id, weight);
        return backend;
    }

    private static void checkWeight(int weight) {
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight must be 1 to 1000, got " + weight);
        }
    }

    private Backend require(String id) {
        return get(id).orElseThrow(() -> new NoSuchElementException("no backend '" + id + "'"));
    }

    public Backend enable(String id) {
        return transition(id, BackendState.UP);
    }

    public Backend disable(String id) {
        return transition(id, BackendState.DISABLED);
    }

    /** Stops new sessions to the backend and closes its live ones with 1012 at the drain rate. */
    public Backend drain(String id) {
        Backend backend = transition(id, BackendState.DRAINING);
        drainListeners.forEach(l -> l.accept(backend));
        return backend;
    }

    private Backend transition(String id, BackendState state) {
        Backend backend = require(id);
        backend.state(state);
        log.info("backend {} is now {}", id, state);
        return backend;
    }

    /** Replaces the backends that came from {@code source} by {@code uris} (DNS discovery): new ones added, gone ones removed. */
    public synchronized void sync(String source, List<URI> uris) {
        List<String> wanted = uris.stream().map(u -> u.getHost() + ":" + u.getPort()).toList();
        for (Backend b : snapshot) {
            if (b.source().equals(source) && !wanted.contains(b.id())) {
                remove(b.id());
            }
        }
        uris.forEach(u -> add(u, 1, source));
    }

    public void onDrain(Consumer<Backend> listener) {
        drainListeners.add(listener);
    }

    /** Health-check outcome for a backend. */
    public void probed(Backend backend, boolean healthy, int rise, int fall, String error) {
        BackendState changed = backend.probed(healthy, rise, fall, error);
        if (changed != null) {
            log.info("backend {} is now {} ({})", backend.id(), changed, healthy ? "health check passed" : error);
        }
    }

    /** A connect or handshake to the backend failed: eject it for a growing time. */
    public void failed(Backend backend, String error) {
        backend.failed(System.currentTimeMillis(), error);
        log.warn("backend {} failed a handshake ({}); ejected until {}", backend.id(), error, backend.ejectedUntilMillis());
    }

    public void succeeded(Backend backend) {
        backend.succeeded();
    }

    /**
     * Takes a place on the backend for an upgrade about to be sent to it, unless it already holds {@code max}
     * sessions and upgrades; every successful reservation ends with {@link #closed} (also when the upgrade failed).
     */
    public boolean reserve(Backend backend, int max) {
        return backend.tryReserve(max);
    }

    /** A reserved upgrade became a relayed session. */
    public void opened(Backend backend) {
        backend.totalSessions.incrementAndGet();
    }

    /** Gives back a reservation: the session ended or its upgrade failed. */
    public void closed(Backend backend) {
        backend.connections.decrementAndGet();
    }
}
