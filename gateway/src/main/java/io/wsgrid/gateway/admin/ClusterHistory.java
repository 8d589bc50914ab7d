package io.wsgrid.gateway.admin;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;
import io.wsgrid.gateway.relay.Clients;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The last minutes of the cluster's figures for the overview's charts and {@code GET /api/history}: one
 * {@link HistorySample} per node poll, in a {@link Ring} of {@code wsgrid.admin.history / poll-interval} samples. It
 * lives on the gateway (not in the page), so a page opened later still sees what happened before. Handshake outcomes
 * are read from the gateway's own meters, so the data path is not touched.
 */
@Component
class ClusterHistory {

    private final Ring<HistorySample> samples;
    private final long intervalMillis;
    private final Supplier<List<Backend>> backends;
    private final IntSupplier gatewaySessions;
    private final MeterRegistry registry;
    private final InstantSource clock;

    @Autowired
    ClusterHistory(AdminProperties properties, Backends backends, Clients clients, MeterRegistry registry) {
        this(properties, backends::all, clients::count, registry, InstantSource.system());
    }

    ClusterHistory(AdminProperties properties, Supplier<List<Backend>> backends, IntSupplier gatewaySessions,
            MeterRegistry registry, InstantSource clock) {
        this.samples = new Ring<>(properties.historySamples());
        this.intervalMillis = properties.pollInterval().toMillis();
        this.backends = backends;
        this.gatewaySessions = gatewaySessions;
        this.registry = registry;
        this.clock = clock;
    }

    /** Takes a sample after a poll of the nodes. */
    void record(List<NodeMonitor.NodeView> nodes) {
        samples.add(HistorySample.of(clock.millis(), nodes, backends.get(), gatewaySessions.getAsInt(), handshakes()));
    }

    HistoryView view() {
        return HistoryView.of(samples.snapshot(), intervalMillis, samples.capacity());
    }

    private Map<String, Long> handshakes() {
        Map<String, Long> counts = new TreeMap<>();
        for (Counter c : registry.find("wsgrid.gateway.handshakes").counters()) {
            String outcome = c.getId().getTag("outcome");
            if (outcome != null) {
                counts.merge(outcome, (long) c.count(), Long::sum);
            }
        }
        return counts;
    }
}
