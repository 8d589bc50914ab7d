package io.wsgrid.gateway.relay;

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
    private final MeterRegistry registry;

    RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        FunctionCounter.builder("wsgrid.gateway.bytes", bytesToBackends, LongAdder::sum).tag("direction", "to_backend")
                .description("Bytes relayed").register(registry);
        FunctionCounter.builder("wsgrid.gateway.bytes", bytesToClients, LongAdder::sum).tag("direction", "to_client")
                .description("Bytes relayed").register(registry);
    }

    /** Outcomes: relayed, retried, no_backend, rejected_rate, rejected_capacity, bad_request, backend_refused, timeout. */
    void handshake(String outcome) {
        Counter.builder("wsgrid.gateway.handshakes").tag("outcome", outcome).description("WebSocket upgrades by outcome")
                .register(registry).increment();
    }
}
