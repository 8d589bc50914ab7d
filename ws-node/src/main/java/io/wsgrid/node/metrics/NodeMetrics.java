package io.wsgrid.node.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Meters of the delivery path, created once so the hot path only increments. Names follow the {@code wsgrid_*}
 * convention of the Grafana dashboard and alert rules in {@code deploy/}.
 */
@Component
public class NodeMetrics {

    /** What a message was addressed to. */
    public enum Kind {
        USER, GROUP, BROADCAST;

        final String tag = name().toLowerCase();
    }

    /** Why a frame or message did not reach a session. */
    public enum DropReason {
        /** The session's outbound queue was full; the session was closed with 4008. */
        SLOW_CONSUMER,
        /** The session was closing when the frame arrived. */
        SESSION_CLOSED,
        /** Inbound frame refused by the session's rate limit. */
        RATE_LIMITED,
        /** Inbound frame malformed or refused by policy. */
        BAD_FRAME,
        /** Offline queue full: the oldest message was dropped. */
        OFFLINE_CAP,
        /** Offline message expired before the user came back. */
        OFFLINE_EXPIRED,
        /**
         * A second copy of a stream message for a session that already had it (a replay overlapping live traffic, a
         * message both queued and replayed, or the bus bringing it twice); skipped so the client sees it once.
         */
        DUPLICATE,
        /**
         * A stream message this node never received from the bus and history no longer held when the node noticed the
         * gap; its sessions learn it on their next resume ({@code recovered:false}).
         */
        HISTORY_GAP;

        final String tag = name().toLowerCase();
    }

    private final Map<Kind, Counter> deliveries = new EnumMap<>(Kind.class);
    private final Map<Kind, Counter> messages = new EnumMap<>(Kind.class);
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
    private final Timer latency;
    private final Counter offlineQueued;
    private final Counter offlineDrained;

    public NodeMetrics(MeterRegistry registry) {
        for (Kind kind : Kind.values()) {
            deliveries.put(kind, Counter.builder("wsgrid.deliveries").description("Frames written to sessions")
                    .tag("kind", kind.tag).register(registry));
            messages.put(kind, Counter.builder("wsgrid.messages").description("Messages accepted for delivery")
                    .tag("kind", kind.tag).register(registry));
        }
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, Counter.builder("wsgrid.drops").description("Frames or messages that did not reach a session")
                    .tag("reason", reason.tag).register(registry));
        }
        latency = Timer.builder("wsgrid.delivery.latency")
                .description("Time from accepting a message to writing it to the sessions of one event loop")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        offlineQueued = Counter.builder("wsgrid.offline.queued").description("Messages queued for offline users").register(registry);
        offlineDrained = Counter.builder("wsgrid.offline.drained").description("Queued messages delivered on reconnect").register(registry);
    }

    public void delivered(Kind kind, int frames) {
        deliveries.get(kind).increment(frames);
    }

    public void accepted(Kind kind) {
        messages.get(kind).increment();
    }

    public void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    public void dropped(DropReason reason, int count) {
        drops.get(reason).increment(count);
    }

    public void latency(long nanos) {
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void offlineQueued() {
        offlineQueued.increment();
    }

    public void offlineDrained(int count) {
        offlineDrained.increment(count);
    }

    /** Messages accepted by this node since it started, all kinds. */
    public long messagesTotal() {
        return total(messages);
    }

    /** Frames written to this node's sessions since it started, all kinds. */
    public long deliveriesTotal() {
        return total(deliveries);
    }

    private static long total(Map<Kind, Counter> counters) {
        double sum = 0;
        for (Counter c : counters.values()) {
            sum += c.count();
        }
        return (long) sum;
    }
}
