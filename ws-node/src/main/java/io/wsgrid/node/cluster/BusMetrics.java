package io.wsgrid.node.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Meters of the cluster bus: publish latency, publish failures, envelopes received. */
public final class BusMetrics {

    private final Timer publish;
    private final Counter failures;
    private final Counter received;

    public BusMetrics(MeterRegistry registry, String bus) {
        publish = Timer.builder("wsgrid.bus.publish.latency").description("Time for the bus server to take an envelope")
                .tag("bus", bus).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(20_000)).maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        failures = Counter.builder("wsgrid.bus.publish.failures").description("Envelopes the bus could not publish")
                .tag("bus", bus).register(registry);
        received = Counter.builder("wsgrid.bus.received").description("Envelopes received from other nodes")
                .tag("bus", bus).register(registry);
    }

    public void published(long nanos) {
        publish.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void publishFailed() {
        failures.increment();
    }

    public void received() {
        received.increment();
    }
}
