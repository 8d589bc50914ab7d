package io.wsgrid.node.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wsgrid.node.session.Rehearsal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriUtils;

/**
 * The two hot REST calls, {@code POST /api/v1/users/{user}/messages} and {@code POST /api/v1/groups/{group}/messages},
 * served by Reactor Netty directly, below WebFlux, as the WebSocket endpoint is: no exchange, no handler mapping, no
 * filter chain, no observation. The checks and the 202 answer are {@link Sends}', shared with {@link SendRoutes}, and
 * errors are written as Spring writes a {@code ProblemDetail}, so both answer alike ({@code SendEndpointIT}).
 * A request whose body has no {@code Content-Length} (chunked) is left to {@link SendRoutes}, which bounds what it
 * reads and also carries the calls' OpenAPI description.
 */
@Component
class SendEndpoint implements NettyRouteProvider {

    private static final Logger log = LoggerFactory.getLogger(SendEndpoint.class);
    private static final String USERS = "/api/v1/users/";
    private static final String GROUPS = "/api/v1/groups/";
    private static final String MESSAGES = "/messages";

    /** The addressed stream: {@code what} is "user" or "group", {@code name} still percent-encoded. */
    record Target(String what, String name) {
    }

    private final Sends sends;
    private final long maxBody;

    SendEndpoint(Sends sends, @Value("${spring.codec.max-in-memory-size:256KB}") DataSize maxBody) {
        this.sends = sends;
        this.maxBody = maxBody.toBytes();
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> request.method() == HttpMethod.POST && target(request.uri()) != null
                && request.requestHeaders().contains(HttpHeaderNames.CONTENT_LENGTH), this::send);
    }

    /** The send a request URI (origin form, query allowed) addresses, or null when it is not one of the two. */
    static Target target(String uri) {
        int end = uri.indexOf('?');
        String path = end < 0 ? uri : uri.substring(0, end);
        String what = path.startsWith(USERS) ? "user" : path.startsWith(GROUPS) ? "group" : null;
        if (what == null || !path.endsWith(MESSAGES)) {
            return null;
        }
        int from = what.equals("user") ? USERS.length() : GROUPS.length();
        int to = path.length() - MESSAGES.length();
        if (to <= from || path.indexOf('/', from) != to) {
            return null;
        }
        return new Target(what, path.substring(from, to));
    }

    private Mono<Void> send(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        try {
            HttpHeaders headers = request.requestHeaders();
            Target target = target(uri);
            Sends.Checked send = sends.check(target.what(), decode(target.name(), target.what()), headers.get(Rehearsal.HEADER),
                    headers.get("X-Tenant"), headers.get("X-Api-Key"));
            if (headers.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > maxBody) {
                return problem(response, path, new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE, Sends.TOO_LARGE));
            }
            return request.receive().aggregate().asByteArray()
                    .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST, "No request body")))
                    .flatMap(body -> sends.send(send, body))
                    .flatMap(answer -> response.status(HttpResponseStatus.ACCEPTED)
                            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .sendByteArray(Mono.just(answer)).then())
                    .onErrorResume(error -> problem(response, path, error));
        }
        catch (ResponseStatusException e) {
            return problem(response, path, e);
        }
    }

    /** The name's percent-encoding decoded (RFC 3986: a '+' stays a '+'); 400 when it is malformed. */
    private static String decode(String raw, String what) {
        try {
            return UriUtils.decode(raw, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, what + " is not valid percent-encoding");
        }
    }

    /** An error as {@code application/problem+json}, as Spring writes a {@code ProblemDetail}. */
    private static Mono<Void> problem(HttpServerResponse response, String path, Throwable error) {
        HttpStatus status;
        String detail;
        if (error instanceof ResponseStatusException e) {
            status = HttpStatus.valueOf(e.getStatusCode().value());
            detail = e.getReason();
        }
        else {
            log.warn("send to {} failed", path, error);
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            detail = "the message could not be sent";
        }
        // Spring's ProblemDetail as its Jackson 3 codec writes it: fields in name order, the default type left out.
        Map<String, Object> problem = new LinkedHashMap<>();
        if (detail != null) {
            problem.put("detail", detail);
        }
        problem.put("instance", path);
        problem.put("status", status.value());
        problem.put("title", status.getReasonPhrase());
        return response.status(status.value()).header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .sendByteArray(Mono.just(JsonMapper.shared().writeValueAsBytes(problem))).then();
    }
}
