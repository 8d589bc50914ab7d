package io.wsgrid.client.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import picocli.CommandLine.Option;

/** Where and as whom the REST commands call: base URL, tenant and API key (a picocli mixin). */
final class RestOptions {

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "REST base URL of a gateway or node (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--tenant", description = "tenant (X-Tenant)")
    String tenant;

    @Option(names = "--api-key", description = "the tenant's API key (X-Api-Key), when auth is on")
    String apiKey;

    /** A request to {@code path} (already encoded) with the tenant and API key headers. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(30));
        if (tenant != null) {
            request.header("X-Tenant", tenant);
        }
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        return request;
    }

    static HttpRequest.BodyPublisher json(String body, HttpRequest.Builder request) {
        request.header("Content-Type", "application/json");
        return HttpRequest.BodyPublishers.ofString(body);
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** One path segment, percent-encoded (spaces as %20, not '+'). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
