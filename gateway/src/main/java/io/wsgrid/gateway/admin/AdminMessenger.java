package io.wsgrid.gateway.admin;

import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.balancing.Balancer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Sends a message for the admin (the UI's send form, or {@code POST /api/messages}) through a node's REST API, with
 * the tenant's API key from {@code wsgrid.admin.api-keys}. The node's answer (status and body) is passed back as is.
 * Any node will do: on a clustered bus the node routes the message to wherever the user's or group's sessions are, so
 * the send reaches the whole cluster.
 */
@Component
class AdminMessenger {

    /** What to send where; {@code name} is ignored for a broadcast. */
    record Send(String target, String name, String tenant, JsonNode data) {
    }

    record Answer(int status, String body) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Balancer balancer;
    private final JsonMapper json;
    private final NodeCalls calls;

    AdminMessenger(Balancer balancer, JsonMapper json, AdminProperties properties) {
        this.balancer = balancer;
        this.json = json;
        this.calls = new NodeCalls(properties.apiKeys(), TIMEOUT);
    }

    /** Validates the request and sends it; fails with {@link IllegalArgumentException} for bad input. */
    CompletableFuture<Answer> send(Send send) {
        String path = switch (send.target() == null ? "" : send.target()) {
            case "user" -> "/api/v1/users/" + segment(send.name(), "user") + "/messages";
            case "group" -> "/api/v1/groups/" + segment(send.name(), "group") + "/messages";
            case "broadcast" -> "/api/v1/broadcast";
            default -> throw new IllegalArgumentException("'target' must be user, group or broadcast");
        };
        if (send.data() == null || send.data().isNull() || send.data().isMissingNode()) {
            throw new IllegalArgumentException("'data' is required: the JSON value to deliver, e.g. {\"text\":\"hi\"}");
        }
        return send(path, send.tenant(), json.writeValueAsBytes(Map.of("data", send.data())), new HashSet<>());
    }

    /**
     * A node that refuses the connection never saw the message, so another node may take it; any other failure (a
     * timeout) may have delivered it, so it is reported, not retried.
     */
    private CompletableFuture<Answer> send(String path, String tenant, byte[] body, Set<Backend> tried) {
        Backend node = balancer.pickForApi(tried);
        if (node == null) {
            return CompletableFuture.completedFuture(problem(503, tried.isEmpty() ? "no node is up"
                    : "no node took the message: " + tried.stream().map(Backend::id).toList() + " refused the connection"));
        }
        tried.add(node);
        HttpRequest request = calls.request(node, path, tenant).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return calls.http().sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body()))
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof ConnectException) {
                        return send(path, tenant, body, tried);
                    }
                    return CompletableFuture.completedFuture(problem(504, "node " + node.id() + " did not answer (the message may have been sent): " + cause));
                });
    }

    private Answer problem(int status, String detail) {
        return new Answer(status, json.writeValueAsString(Map.of("status", status, "detail", detail)));
    }

    private static String segment(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("'name' is required: the " + what + " to send to");
        }
        return UriUtils.encodePathSegment(name, StandardCharsets.UTF_8);
    }
}
