package io.wsgrid.gateway.balancing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/** Picks a backend for each new session with the current strategy, which can be switched at runtime. */
@Component
public class Balancer {

    private static final Logger log = LoggerFactory.getLogger(Balancer.class);

    private final Backends backends;
    private final int maxPerBackend;
    private final double hashFactor;
    private volatile Strategy strategy;
    private final java.util.concurrent.atomic.AtomicInteger apiNext = new java.util.concurrent.atomic.AtomicInteger();

    public Balancer(Backends backends, GatewayProperties properties) {
        this.backends = backends;
        this.maxPerBackend = properties.maxConnectionsPerBackend();
        this.hashFactor = properties.hashFactor();
        this.strategy = Strategies.create(properties.strategy(), hashFactor);
    }

    public String strategy() {
        return strategy.name();
    }

    /**
     * Switches the strategy (a name of {@link Strategies#NAMES} or an alias of {@link Strategies#ALIASES}); new sessions
     * use it at once, live ones stay where they are.
     */
    public void strategy(String name) {
        strategy = Strategies.create(name, hashFactor);
        log.info("balancing strategy is now {}", strategy.name());
    }

    /** A backend for a new session, skipping {@code tried} ones; null when none may take it. */
    public Backend pick(Strategy.Request request, Collection<Backend> tried) {
        List<Backend> candidates = candidates(tried);
        return candidates.isEmpty() ? null : strategy.pick(candidates, request);
    }

    /**
     * A backend for one plain HTTP API call, skipping {@code tried} ones; null when none may take it. Calls are
     * spread round robin whatever the session strategy: a user-keyed strategy has no key for them and would send
     * every call to one node.
     */
    public Backend pickForApi(Collection<Backend> tried) {
        List<Backend> candidates = candidates(tried);
        return candidates.isEmpty() ? null : candidates.get(Math.floorMod(apiNext.getAndIncrement(), candidates.size()));
    }

    /**
     * Whether some backend is up but every one that is up holds its cap: the gateway then answers 1013 (try again
     * later) instead of 503 (nobody there).
     */
    public boolean saturated() {
        long now = System.currentTimeMillis();
        boolean any = false;
        for (Backend b : backends.all()) {
            if (b.accepting(now)) {
                any = true;
                if (b.connections() < maxPerBackend) {
                    return false;
                }
            }
        }
        return any;
    }

    private List<Backend> candidates(Collection<Backend> tried) {
        long now = System.currentTimeMillis();
        List<Backend> candidates = new ArrayList<>();
        for (Backend b : backends.all()) {
            if (b.accepting(now) && b.connections() < maxPerBackend && !tried.contains(b)) {
                candidates.add(b);
            }
        }
        return candidates;
    }
}
