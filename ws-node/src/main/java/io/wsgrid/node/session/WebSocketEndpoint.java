package io.wsgrid.node.session;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.node.auth.Authenticator;
import io.wsgrid.node.auth.Authenticator.Result;
import io.wsgrid.node.auth.GroupClaims;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.stereotype.Component;

/**
 * The WebSocket endpoint, served by Reactor Netty on the same port as the REST API and Actuator. Checks the upgrade
 * request (method, Origin), authenticates it, upgrades, and hands the connection to {@link Sessions}. Failed
 * authentication upgrades and then closes with 4001 (1013 when the tenant's JWKS cannot be fetched), because browsers
 * cannot read the status of a refused handshake. An upgrade carrying the running {@link Rehearsal}'s key becomes a
 * session of the warm-up's private node instead.
 */
@Component
class WebSocketEndpoint implements NettyRouteProvider {

    private final SessionProperties properties;
    private final Authenticator authenticator;
    private final Sessions sessions;
    private final Rehearsal rehearsal;
    private final Set<String> allowedOrigins;
    private final WebsocketServerSpec spec;

    WebSocketEndpoint(SessionProperties properties, Authenticator authenticator, Sessions sessions, Rehearsal rehearsal) {
        this.properties = properties;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.rehearsal = rehearsal;
        this.allowedOrigins = Set.copyOf(properties.allowedOrigins());
        this.spec = WebsocketServerSpec.builder()
                .maxFramePayloadLength((int) properties.maxFrameSize().toBytes())
                .handlePing(false)
                .compress(properties.compression())
                .build();
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(request -> properties.path().equals(request.fullPath()), this::handshake);
    }

    private Mono<Void> handshake(HttpServerRequest request, HttpServerResponse response) {
        if (!sessions.accepting()) {
            return reject(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "node is shutting down");
        }
        HttpHeaders headers = request.requestHeaders();
        if (request.method() != HttpMethod.GET
                || !headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            response.header(HttpHeaderNames.UPGRADE, "websocket");
            return reject(response, HttpResponseStatus.UPGRADE_REQUIRED, "this endpoint takes WebSocket upgrades only");
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !allowedOrigins.isEmpty() && !allowedOrigins.contains(origin)) {
            return reject(response, HttpResponseStatus.FORBIDDEN, "origin not allowed");
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String tenant = firstNonEmpty(headers.get("X-Tenant"), param(query, "tenant"), Authenticator.DEFAULT_TENANT);
        String token = firstNonEmpty(param(query, "token"), bearer(headers.get(HttpHeaderNames.AUTHORIZATION)), null);
        String userId = param(query, "user_id");
        String remote = remoteAddress(request);
        boolean resume = "1".equals(param(query, "resume")) || "true".equals(param(query, "resume"));
        Sessions rehearsing = rehearsal.sessionsFor(headers.get(Rehearsal.HEADER));
        Sessions target = rehearsing != null ? rehearsing : sessions;
        // A tenant with a JWKS URL may have to fetch its keys: never on the event loop.
        Mono<Result> result = rehearsing != null ? Mono.just(new Result.Allowed(tenant, userId, GroupClaims.NONE, null))
                : authenticator.mayBlock(tenant)
                ? Mono.fromCallable(() -> authenticator.authenticateSession(tenant, userId, token)).subscribeOn(Schedulers.boundedElastic())
                : Mono.fromSupplier(() -> authenticator.authenticateSession(tenant, userId, token));
        return result.flatMap(outcome -> response.sendWebsocket((in, out) -> switch (outcome) {
            case Result.Allowed who -> {
                Connection[] connection = new Connection[1];
                in.withConnection(c -> connection[0] = c);
                Connection c = connection[0];
                long deadline = authenticator.sessionDeadline(who.expires());
                if (c.channel().eventLoop().inEventLoop()) {
                    target.open(c, who.tenant(), who.user(), who.groups(), deadline, remote, resume);
                }
                else {
                    c.channel().eventLoop().execute(() -> target.open(c, who.tenant(), who.user(), who.groups(), deadline, remote, resume));
                }
                yield c.onDispose();
            }
            case Result.Denied denied -> out.sendClose(CloseCode.UNAUTHORIZED.code(), denied.reason());
            case Result.Unavailable unavailable -> out.sendClose(CloseCode.TRY_AGAIN_LATER.code(), unavailable.reason());
        }, spec));
    }

    private static Mono<Void> reject(HttpServerResponse response, HttpResponseStatus status, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + status.reasonPhrase() + "\",\"status\":" + status.code()
                + ",\"detail\":\"" + detail + "\"}";
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8)
                .then();
    }

    private static String remoteAddress(HttpServerRequest request) {
        String forwarded = request.requestHeaders().get("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            int comma = forwarded.indexOf(',');
            return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
        }
        InetSocketAddress remote = request.remoteAddress();
        return remote == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    private static String param(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
    }

    private static String firstNonEmpty(String a, String b, String fallback) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b != null && !b.isEmpty() ? b : fallback;
    }
}
