package io.wsgrid.gateway.relay;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** Every relayed session, by id; read by the admin API and UI. */
@Component
public class Clients {

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();

    Clients(MeterRegistry registry) {
        Gauge.builder("wsgrid.gateway.sessions", byId, Map::size).description("Relayed WebSocket sessions").register(registry);
    }

    void add(ClientConnection c) {
        byId.put(c.id(), c);
    }

    void remove(ClientConnection c) {
        byId.remove(c.id());
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
