package io.wsgrid.gateway.admin;

import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.gateway.backend.Backend;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The charts' history: what a page opened later gets from {@code GET /api/history}. */
class ClusterHistoryTests {

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final Counter relayed = registry.counter("wsgrid.gateway.handshakes", "outcome", "relayed");
    private final Counter noBackend = registry.counter("wsgrid.gateway.handshakes", "outcome", "no_backend");
    private final Backend b1 = new Backend("b1", URI.create("http://10.0.0.1:8081"), 1, "config");
    private final Backend b2 = new Backend("b2", URI.create("http://10.0.0.2:8081"), 1, "config");
    private final List<Backend> backends = new ArrayList<>(List.of(b1));
    private final AtomicInteger gatewaySessions = new AtomicInteger();

    private ClusterHistory history(String window, String interval) {
        AdminProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "wsgrid.admin.history", window, "wsgrid.admin.poll-interval", interval)))
                .bindOrCreate("wsgrid.admin", Bindable.of(AdminProperties.class));
        return new ClusterHistory(properties, () -> List.copyOf(backends), gatewaySessions::get, registry, clock);
    }

    private static NodeMonitor.NodeView node(Backend b, String node, int sessions, double messages, double deliveries) {
        return new NodeMonitor.NodeView(b.id(), b.uri().toString(), "UP", node, true, "UP", Map.of(), sessions, sessions, 0, 0, 0,
                messages, deliveries, "", 1);
    }

    private static NodeMonitor.NodeView unreachable(Backend b, String node) {
        return new NodeMonitor.NodeView(b.id(), b.uri().toString(), "DOWN", node, false, "UNKNOWN", Map.of(), 7, 7, 0, 0, 0, 0, 0,
                "java.net.ConnectException", 1);
    }

    @Test
    void keepsOneSamplePerPollForTheWindowAndForgetsOlderOnes() {
        ClusterHistory history = history("10s", "2s");
        for (int i = 1; i <= 7; i++) {
            now.addAndGet(2000);
            history.record(List.of(node(b1, "n1", i, 0, 0)));
        }
        HistoryView view = history.view();
        assertThat(view.capacity()).isEqualTo(5);
        assertThat(view.intervalMillis()).isEqualTo(2000);
        assertThat(view.times()).hasSize(5).isSorted();
        assertThat(view.times().getLast()).isEqualTo(now.get());
        assertThat(view.cluster().get("sessions")).containsExactly(3.0, 4.0, 5.0, 6.0, 7.0);
    }

    @Test
    void clusterSeriesAddUpTheReachableNodesAndTheGatewaysOwnSessions() {
        backends.add(b2);
        ClusterHistory history = history("10m", "2s");
        gatewaySessions.set(5);
        history.record(List.of(node(b1, "n1", 3, 10.5, 20), node(b2, "n2", 4, 1.25, 2)));
        history.record(List.of(node(b1, "n1", 3, 10, 20), unreachable(b2, "n2")));
        HistoryView view = history.view();
        assertThat(view.cluster().get("sessions")).containsExactly(7.0, 3.0);
        assertThat(view.cluster().get("gatewaySessions")).containsExactly(5.0, 5.0);
        assertThat(view.cluster().get("messagesPerSecond")).containsExactly(11.75, 10.0);
        assertThat(view.cluster().get("deliveriesPerSecond")).containsExactly(22.0, 20.0);
    }

    @Test
    void aNodeThatDidNotAnswerIsAGapNotAFallToZero() {
        backends.add(b2);
        ClusterHistory history = history("10m", "2s");
        history.record(List.of(node(b1, "n1", 3, 1, 1), node(b2, "n2", 4, 1, 1)));
        history.record(List.of(node(b1, "n1", 3, 1, 1), unreachable(b2, "n2")));
        Map<String, List<Double>> b2Series = history.view().backends().get("b2");
        assertThat(b2Series.get("sessions")).containsExactly(4.0, null);
        assertThat(b2Series.get("messagesPerSecond")).containsExactly(1.0, null);
        assertThat(b2Series.get("connections")).containsExactly(0.0, 0.0);
        assertThat(history.view().nodes()).containsEntry("b1", "n1").containsEntry("b2", "n2");
    }

    @Test
    void aBackendAddedLaterHasGapsBeforeItAndEverySeriesHasOneValuePerTime() {
        ClusterHistory history = history("10m", "2s");
        history.record(List.of(node(b1, "n1", 1, 0, 0)));
        backends.add(b2);
        history.record(List.of(node(b1, "n1", 1, 0, 0), node(b2, "n2", 2, 0, 0)));
        HistoryView view = history.view();
        assertThat(view.backends().keySet()).containsExactly("b1", "b2");
        assertThat(view.backends().get("b2").get("sessions")).containsExactly(null, 2.0);
        view.backends().values().forEach(series -> series.values().forEach(values -> assertThat(values).hasSize(view.times().size())));
        view.cluster().values().forEach(values -> assertThat(values).hasSize(view.times().size()));
        view.handshakes().values().forEach(values -> assertThat(values).hasSize(view.times().size()));
    }

    @Test
    void handshakesAreRatesPerSecondBetweenSamplesFromTheGatewaysCounters() {
        ClusterHistory history = history("10m", "2s");
        relayed.increment(100);
        history.record(List.of());
        now.addAndGet(2000);
        relayed.increment(10);
        noBackend.increment(3);
        history.record(List.of());
        now.addAndGet(4000);
        relayed.increment(2);
        history.record(List.of());
        HistoryView view = history.view();
        assertThat(view.handshakes().keySet()).containsExactly("no_backend", "relayed");
        assertThat(view.handshakes().get("relayed")).containsExactly(null, 5.0, 0.5);
        assertThat(view.handshakes().get("no_backend")).containsExactly(null, 1.5, 0.0);
    }

    @Test
    void aCounterThatWentBackIsAGap() {
        HistorySample before = new HistorySample(0, 0, 0, 0, 0, Map.of("relayed", 50L), Map.of());
        HistorySample after = new HistorySample(2000, 0, 0, 0, 0, Map.of("relayed", 4L), Map.of());
        HistoryView view = HistoryView.of(List.of(before, after), 2000, 10);
        assertThat(view.handshakes().get("relayed")).isEqualTo(Arrays.asList(null, null));
    }
}
