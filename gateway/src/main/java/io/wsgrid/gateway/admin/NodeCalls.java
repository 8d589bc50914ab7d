package io.wsgrid.gateway.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

import io.wsgrid.gateway.backend.Backend;

/**
 * Requests the admin side makes to a node's REST API on behalf of a tenant: the {@code X-Tenant} header and, when
 * configured, that tenant's API key from {@code wsgrid.admin.api-keys}.
 */
final class NodeCalls {

    static final String DEFAULT_TENANT = "default";

    private final Map<String, String> apiKeys;
    private final Duration timeout;
    private final HttpClient http;

    NodeCalls(Map<String, String> apiKeys, Duration timeout) {
        this.apiKeys = apiKeys;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    HttpClient http() {
        return http;
    }

    static String tenant(String tenant) {
        return tenant == null || tenant.isBlank() ? DEFAULT_TENANT : tenant;
    }

    /** A request to {@code path} on the node for {@code tenant} (blank means the default tenant). */
    HttpRequest.Builder request(Backend node, String path, String tenant) {
        String name = tenant(tenant);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.uri() + path)).timeout(timeout).header("X-Tenant", name);
        String key = apiKeys.get(name);
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        return request;
    }
}
