package io.wsgrid.gateway.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.balancing.Balancer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * Sends a message for the admin (the UI's send form, or {@code POST /api/messages}) through a node's REST API, with
 * the tenant's API key from {@code wsgrid.admin.api-keys}. The node's answer (status and body) is passed back as is.
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
    private final Map<String, String> apiKeys;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    AdminMessenger(Balancer balancer, JsonMapper json, AdminProperties properties) {
        this.balancer = balancer;
        this.json = json;
        this.apiKeys = properties.apiKeys();
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
        String tenant = send.tenant() == null || send.tenant().isBlank() ? "default" : send.tenant();
        Backend node = balancer.pickForApi(Set.of());
        if (node == null) {
            return CompletableFuture.completedFuture(new Answer(503, "{\"detail\":\"no node is up\"}"));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.uri() + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("X-Tenant", tenant)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(Map.of("data", send.data()))));
        String key = apiKeys.get(tenant);
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body()));
    }

    private static String segment(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("'name' is required: the " + what + " to send to");
        }
        return UriUtils.encodePathSegment(name, StandardCharsets.UTF_8);
    }
}
