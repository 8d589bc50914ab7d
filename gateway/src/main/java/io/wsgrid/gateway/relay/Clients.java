package io.wsgrid.gateway.relay;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** Every relayed session, by id; read by the admin API and UI. */
@Component
public class Clients {

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();
    /** Relayed sessions plus upgrades in progress: what the gateway-wide cap counts. */
    private final AtomicInteger admitted = new AtomicInteger();

    Clients(MeterRegistry registry) {
        Gauge.builder("wsgrid.gateway.sessions", byId, Map::size).description("Relayed WebSocket sessions").register(registry);
    }

    void add(ClientConnection c) {
        byId.put(c.id(), c);
    }

    void remove(ClientConnection c) {
        byId.remove(c.id());
    }

    /**
     * Takes a place for a new upgrade unless {@code max} sessions and upgrades already hold one, so the cap holds
     * under concurrent upgrades too. Every successful admission ends with {@link #release}.
     */
    boolean tryAdmit(int max) {
        while (true) {
            int n = admitted.get();
            if (n >= max) {
                return false;
            }
            if (admitted.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        admitted.decrementAndGet();
    }

    public ClientConnection get(String id) {
        return byId.get(id);
    }

    public Collection<ClientConnection> all() {
        return byId.values();
    }

    public int count() {
        return byId.size();
    }
}
