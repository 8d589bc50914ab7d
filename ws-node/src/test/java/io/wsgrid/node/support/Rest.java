package io.wsgrid.node.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A small REST client for tests: JSON in, status and body out. */
public final class Rest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Bounds every call, so a test fails with a timeout instead of hanging on a node that never answers. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    private final Map<String, String> headers;
    private final Duration timeout;

    public Rest(String base, Map<String, String> headers) {
        this(base, headers, DEFAULT_TIMEOUT);
    }

    private Rest(String base, Map<String, String> headers, Duration timeout) {
        this.base = base;
        this.headers = headers;
        this.timeout = timeout;
    }

    /** The same client with another bound per call (short for polls of a node that may not be up yet). */
    public Rest withTimeout(Duration timeout) {
        return new Rest(base, headers, timeout);
    }

    public Rest(int port) {
        this("http://127.0.0.1:" + port, Map.of());
    }

    public Rest with(Map<String, String> extra) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
        all.putAll(extra);
        return new Rest(base, all, timeout);
    }

    public record Response(int status, String contentType, String body) {
    }

    public Response post(String path, String json) {
        return postAsync(path, json).join();
    }

    public CompletableFuture<Response> postAsync(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The same POST with the body sent chunked (no {@code Content-Length}). */
    public Response postChunked(String path, String json) {
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(json));
        return send(builder(path).header("Content-Type", "application/json").POST(chunked)).join();
    }

    public Response get(String path) {
        return send(builder(path).GET()).join();
    }

    public Response put(String path) {
        return send(builder(path).PUT(HttpRequest.BodyPublishers.noBody())).join();
    }

    public Response delete(String path) {
        return send(builder(path).DELETE()).join();
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        headers.forEach(b::header);
        return b;
    }

    private static CompletableFuture<Response> send(HttpRequest.Builder request) {
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body()));
    }
}
