package io.wsgrid.gateway.relay;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** Data-plane meters: handshakes by outcome and bytes relayed per direction (LongAdders, read at scrape time). */
@Component
class RelayMetrics {

    final LongAdder bytesToBackends = new LongAdder();
    final LongAdder bytesToClients = new LongAdder();
    /** Registered up front, so dashboards and alerts see every outcome at zero before it first happens. */
    private final Map<Outcome, Counter> handshakes = new EnumMap<>(Outcome.class);

    RelayMetrics(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            handshakes.put(outcome, Counter.builder("wsgrid.gateway.handshakes").tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .description("WebSocket upgrades by outcome").register(registry));
        }
        FunctionCounter.builder("wsgrid.gateway.bytes", bytesToBackends, LongAdder::sum).tag("direction", "to_backend")
                .description("Bytes relayed").register(registry);
        FunctionCounter.builder("wsgrid.gateway.bytes", bytesToClients, LongAdder::sum).tag("direction", "to_client")
                .description("Bytes relayed").register(registry);
    }

    /** How a WebSocket upgrade through the gateway ended (the {@code outcome} tag). */
    enum Outcome {
        RELAYED, RETRIED, NO_BACKEND, REJECTED_RATE, REJECTED_CAPACITY, BAD_REQUEST, BACKEND_REFUSED, TIMEOUT
    }

    void handshake(Outcome outcome) {
        handshakes.get(outcome).increment();
    }
}
