package io.wsgrid.gateway.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.wsgrid.gateway.PeriodicTask;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Collects every backend's {@code /api/v1/stats} and {@code /actuator/health} each poll interval, for the nodes view
 * and the overview. Message rates are the difference of the nodes' counters between two polls, so they need no
 * Prometheus. A node that does not answer keeps its last figures, marked unreachable with the error. Each poll ends
 * with a sample for the {@link ClusterHistory}.
 */
@Component
class NodeMonitor extends PeriodicTask {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    /**
     * What the gateway last learned about one backend.
     *
     * @param health         overall Actuator status ({@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE}, or
     *                       {@code UNKNOWN} when the node did not answer).
     * @param components     status of each health component (readiness, bus, ...).
     * @param messagesPerSecond  messages the node accepted per second over the last poll interval.
     * @param deliveriesPerSecond frames the node wrote to sessions per second over the last poll interval.
     */
    record NodeView(String backend, String url, String state, String node, boolean reachable, String health,
            Map<String, String> components, int sessions, int users, int groups, long messages, long deliveries,
            double messagesPerSecond, double deliveriesPerSecond, String error, long updatedMillis) {

        static NodeView unknown(Backend b) {
            return new NodeView(b.id(), b.uri().toString(), b.state().name(), null, false, "UNKNOWN", Map.of(), 0, 0, 0, 0, 0,
                    0, 0, "not polled yet", 0);
        }
    }

    private final Backends backends;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    private final Map<String, NodeView> views = new ConcurrentHashMap<>();
    private final ClusterHistory history;

    NodeMonitor(Backends backends, JsonMapper json, AdminProperties properties, ClusterHistory history) {
        super("wsgrid-node-monitor", properties.pollInterval());
        this.backends = backends;
        this.json = json;
        this.history = history;
    }

    @Override
    protected void runOnce() {
        // Each poll fails on its own (request timeouts), so this wait ends within a timeout.
        pollAll().join();
        history.record(nodes());
    }

    /** One view per current backend, in the backends' order. */
    List<NodeView> nodes() {
        return backends.all().stream().map(b -> {
            NodeView v = views.get(b.id());
            return v == null ? NodeView.unknown(b) : withState(v, b);
        }).toList();
    }

    /** Backend id to the node id it last reported, for the backends that answered at least once. */
    Map<String, String> nodeIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        views.forEach((backend, v) -> {
            if (v.node() != null) {
                ids.put(backend, v.node());
            }
        });
        return ids;
    }

    private static NodeView withState(NodeView v, Backend b) {
        return new NodeView(v.backend(), v.url(), b.state().name(), v.node(), v.reachable(), v.health(), v.components(),
                v.sessions(), v.users(), v.groups(), v.messages(), v.deliveries(), v.messagesPerSecond(),
                v.deliveriesPerSecond(), v.error(), v.updatedMillis());
    }

    /** Polls every backend now; completes when all answered or timed out. */
    CompletableFuture<Void> pollAll() {
        views.keySet().retainAll(backends.all().stream().map(Backend::id).toList());
        return CompletableFuture.allOf(backends.all().stream().map(this::poll).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> poll(Backend backend) {
        CompletableFuture<JsonNode> stats = get(backend, "/api/v1/stats");
        CompletableFuture<JsonNode> health = get(backend, "/actuator/health");
        return stats.thenCombine(health, (s, h) -> update(backend, s, h)).exceptionally(error -> {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            NodeView last = views.getOrDefault(backend.id(), NodeView.unknown(backend));
            views.put(backend.id(), new NodeView(backend.id(), backend.uri().toString(), backend.state().name(), last.node(),
                    false, "UNKNOWN", Map.of(), last.sessions(), last.users(), last.groups(), last.messages(), last.deliveries(),
                    0, 0, String.valueOf(cause), last.updatedMillis()));
            return null;
        });
    }

    private Void update(Backend backend, JsonNode stats, JsonNode health) {
        long now = System.currentTimeMillis();
        long messages = stats.path("messages").asLong();
        long deliveries = stats.path("deliveries").asLong();
        NodeView last = views.get(backend.id());
        double seconds = last == null || last.updatedMillis() == 0 ? 0 : (now - last.updatedMillis()) / 1000.0;
        double messageRate = seconds > 0 && messages >= last.messages() ? (messages - last.messages()) / seconds : 0;
        double deliveryRate = seconds > 0 && deliveries >= last.deliveries() ? (deliveries - last.deliveries()) / seconds : 0;
        Map<String, String> components = new LinkedHashMap<>();
        health.path("components").properties().forEach(e -> components.put(e.getKey(), e.getValue().path("status").asString()));
        views.put(backend.id(), new NodeView(backend.id(), backend.uri().toString(), backend.state().name(),
                stats.path("node").asString(), true, health.path("status").asString("UNKNOWN"), components,
                stats.path("sessions").asInt(), stats.path("users").asInt(), stats.path("groups").asInt(), messages, deliveries,
                messageRate, deliveryRate, "", now));
        return null;
    }

    /** GETs a JSON document; Actuator's health answers 503 with a body when DOWN, which is still an answer. */
    private CompletableFuture<JsonNode> get(Backend backend, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(backend.uri() + path)).timeout(TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200 && response.statusCode() != 503) {
                throw new IllegalStateException(path + " answered " + response.statusCode());
            }
            return json.readTree(response.body());
        });
    }
}
