package io.wsgrid.gateway.admin;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.wsgrid.common.protocol.Names;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Finds a user's sessions on every node: asks each backend's {@code GET /api/v1/users/{user}} in parallel (for the
 * tenant) and combines the answers. A node on a clustered bus answers for the whole cluster (presence in Redis), a
 * standalone node only for itself; {@link #combine} counts each node once in both cases. A node that does not answer
 * is listed with its error and the others still count.
 */
@Component
class UserLookup {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One backend's answer: the nodes where it sees the user's sessions, or the error it failed with. */
    record NodeAnswer(String backend, String node, boolean online, int sessions, List<String> nodes, String error) {
    }

    /**
     * @param online   whether any node sees a session of the user.
     * @param sessions the user's sessions, cluster-wide.
     * @param nodes    the nodes holding them.
     * @param asked    backends asked; {@code answered} of them answered.
     */
    record Found(String user, String tenant, boolean online, int sessions, List<String> nodes, int asked, int answered,
            List<NodeAnswer> answers) {
    }

    private final Backends backends;
    private final NodeMonitor monitor;
    private final JsonMapper json;
    private final NodeCalls calls;

    UserLookup(Backends backends, NodeMonitor monitor, JsonMapper json, AdminProperties properties) {
        this.backends = backends;
        this.monitor = monitor;
        this.json = json;
        this.calls = new NodeCalls(properties.apiKeys(), TIMEOUT);
    }

    /** Asks every backend; fails with {@link IllegalArgumentException} for a bad user name. */
    CompletableFuture<Found> find(String user, String tenant) {
        if (!Names.isValid(user)) {
            throw new IllegalArgumentException("'user' must be 1 to " + Names.MAX_LENGTH + " characters without control characters");
        }
        String path = "/api/v1/users/" + UriUtils.encodePathSegment(user, StandardCharsets.UTF_8);
        Map<String, String> nodeIds = monitor.nodes().stream().filter(n -> n.node() != null)
                .collect(Collectors.toMap(NodeMonitor.NodeView::backend, NodeMonitor.NodeView::node, (a, b) -> a));
        List<CompletableFuture<NodeAnswer>> asks = backends.all().stream().map(b -> ask(b, path, tenant, nodeIds.get(b.id()))).toList();
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<NodeAnswer> answers = asks.stream().map(CompletableFuture::join).toList();
            return combine(user, NodeCalls.tenant(tenant), answers);
        });
    }

    private CompletableFuture<NodeAnswer> ask(Backend backend, String path, String tenant, String node) {
        return calls.http().sendAsync(calls.request(backend, path, tenant).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    JsonNode body = json.readTree(response.body());
                    if (response.statusCode() != 200) {
                        String detail = body.path("detail").asString("");
                        return failed(backend, node, "answered " + response.statusCode() + (detail.isEmpty() ? "" : ": " + detail));
                    }
                    List<String> nodes = new ArrayList<>();
                    body.path("nodes").forEach(n -> nodes.add(n.asString()));
                    return new NodeAnswer(backend.id(), node, body.path("online").asBoolean(), body.path("sessions").asInt(), nodes, null);
                })
                .exceptionally(error -> failed(backend, node, String.valueOf(error.getCause() != null ? error.getCause() : error)));
    }

    private static NodeAnswer failed(Backend backend, String node, String error) {
        return new NodeAnswer(backend.id(), node, false, 0, List.of(), error);
    }

    /**
     * Combines the answers without counting a node twice: answers are taken widest first (most nodes), and one that
     * names a node already counted is skipped, because it saw the same sessions. On a clustered bus the first answer
     * covers everything; with standalone nodes every answer covers its own node and they add up.
     */
    static Found combine(String user, String tenant, List<NodeAnswer> answers) {
        List<NodeAnswer> answered = answers.stream().filter(a -> a.error() == null).toList();
        Set<String> counted = new HashSet<>();
        TreeSet<String> nodes = new TreeSet<>();
        int sessions = 0;
        for (NodeAnswer a : answered.stream().sorted(Comparator.comparingInt((NodeAnswer a) -> a.nodes().size()).reversed()).toList()) {
            nodes.addAll(a.nodes());
            if (a.nodes().stream().noneMatch(counted::contains)) {
                counted.addAll(a.nodes());
                sessions += a.sessions();
            }
        }
        return new Found(user, tenant, !nodes.isEmpty(), sessions, List.copyOf(nodes), answers.size(), answered.size(),
                List.copyOf(answers));
    }
}
