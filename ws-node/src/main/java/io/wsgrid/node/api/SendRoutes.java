package io.wsgrid.node.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.Names;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.node.delivery.Messenger;
import io.micrometer.observation.ObservationPredicate;
import org.springdoc.core.annotations.RouterOperation;
import org.springdoc.core.annotations.RouterOperations;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

/**
 * The two hot REST calls, {@code POST /api/v1/users/{user}/messages} and {@code POST /api/v1/groups/{group}/messages},
 * as functional routes: no argument resolvers, no return-value handler, no {@code ObjectMapper} on the way. The body is
 * read once as bytes, its {@code data} is kept raw ({@link RawJson}) and spliced into the frame, and the small answer
 * is written by hand. The contract is the annotated API's: 202 with {@code id}/{@code status}/{@code offset}, 400/401/
 * 413/503 as {@code application/problem+json}, {@code X-Tenant} and {@code X-Api-Key} through {@link TenantResolver}.
 * Their OpenAPI description comes from {@link SendDocs}. Functional routes are matched before annotated ones.
 */
@Configuration(proxyBeanMethods = false)
class SendRoutes {

    static final String TOO_LARGE = "request body is larger than the node accepts";

    private final Messenger messenger;
    private final TenantResolver tenants;
    private final RestWarmup.DryRun dryRun;

    SendRoutes(Messenger messenger, TenantResolver tenants, RestWarmup.DryRun dryRun) {
        this.messenger = messenger;
        this.tenants = tenants;
        this.dryRun = dryRun;
    }

    @Bean
    @RouterOperations({
            @RouterOperation(path = "/api/v1/users/{user}/messages", method = RequestMethod.POST, beanClass = SendDocs.class, beanMethod = "sendToUser"),
            @RouterOperation(path = "/api/v1/groups/{group}/messages", method = RequestMethod.POST, beanClass = SendDocs.class, beanMethod = "sendToGroup")})
    RouterFunction<ServerResponse> userAndGroupSends() {
        return RouterFunctions.route()
                .POST("/api/v1/users/{user}/messages", this::sendToUser)
                .POST("/api/v1/groups/{group}/messages", this::sendToGroup)
                .build();
    }

    /**
     * Keeps the per-request HTTP server observation ({@code http.server.requests}: a context, a timer sample and its
     * tags, about 7% of a send's CPU in the profile) off the two sends; {@code wsgrid_messages_total} and the
     * delivery metrics count them. Every other call keeps its observation. Static, so the observation registry does not
     * need this class (and through it the messenger and router) to exist first.
     */
    @Bean
    static ObservationPredicate noHttpObservationForSends() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request && isSend(request.getCarrier()));
    }

    private static boolean isSend(ServerHttpRequest request) {
        String path = request.getPath().value();
        return request.getMethod() == HttpMethod.POST && path.endsWith("/messages")
                && (path.startsWith("/api/v1/users/") || path.startsWith("/api/v1/groups/"));
    }

    @Bean
    SendDocs sendDocs() {
        return new SendDocs() {
        };
    }

    Mono<ServerResponse> sendToUser(ServerRequest request) {
        return send(request, "user", (tenant, user, data) -> Mono.fromCompletionStage(messenger.toUser(tenant, user, null, data))
                .map(sent -> answer(sent.id(), sent.queued() ? "queued" : "sent", sent.position().offset())));
    }

    Mono<ServerResponse> sendToGroup(ServerRequest request) {
        return send(request, "group", (tenant, group, data) -> Mono.fromCompletionStage(messenger.toGroup(tenant, group, null, data))
                .map(sent -> answer(sent.id(), null, sent.position().offset())));
    }

    private interface Send {
        Mono<byte[]> apply(String tenant, String name, RawJson data);
    }

    private Mono<ServerResponse> send(ServerRequest request, String what, Send send) {
        try {
            boolean dry = dryRun.matches(request.headers().firstHeader(RestWarmup.HEADER));
            String tenant = dry ? null : tenants.resolve(request.headers().asHttpHeaders()).name();
            String name = MessagingController.name(request.pathVariable(what), what);
            return request.bodyToMono(byte[].class)
                    .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST, "No request body")))
                    .flatMap(body -> {
                        RawJson data = MessagingController.data(body);
                        return dry ? Mono.just(dryRun.answer(name, data))
                                : send.apply(tenant, name, data).onErrorMap(MessagingController::unavailable);
                    })
                    .flatMap(answer -> ServerResponse.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).bodyValue(answer))
                    .onErrorResume(error -> problem(request, error));
        }
        catch (ResponseStatusException e) {
            return problem(request, e);
        }
    }

    /** {@code {"id":..,"status":..,"offset":..}} ({@code status} left out when null); ids and statuses need no escaping. */
    static byte[] answer(String id, String status, long offset) {
        StringBuilder json = new StringBuilder(80).append("{\"id\":\"").append(id);
        if (status != null) {
            json.append("\",\"status\":\"").append(status);
        }
        return json.append("\",\"offset\":").append(offset).append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Bad input and unavailable history as problem+json, like {@link ProblemHandler} does for the annotated calls. */
    private static Mono<ServerResponse> problem(ServerRequest request, Throwable error) {
        HttpStatusCode status;
        String detail;
        if (error instanceof ResponseStatusException e) {
            status = e.getStatusCode();
            detail = e.getReason();
        }
        else if (error instanceof DataBufferLimitException) {
            status = HttpStatus.CONTENT_TOO_LARGE;
            detail = TOO_LARGE;
        }
        else {
            return Mono.error(error);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.requestPath().value()));
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).bodyValue(problem);
    }
}
