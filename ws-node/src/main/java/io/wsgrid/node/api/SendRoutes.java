package io.wsgrid.node.api;

import java.net.URI;

import io.micrometer.observation.ObservationPredicate;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.node.session.Rehearsal;
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

    private final Sends sends;

    SendRoutes(Sends sends) {
        this.sends = sends;
    }

    @Bean
    @RouterOperations({
            @RouterOperation(path = "/api/v1/users/{user}/messages", method = RequestMethod.POST, beanClass = SendDocs.class, beanMethod = "sendToUser"),
            @RouterOperation(path = "/api/v1/groups/{group}/messages", method = RequestMethod.POST, beanClass = SendDocs.class, beanMethod = "sendToGroup")})
    RouterFunction<ServerResponse> userAndGroupSends() {
        return RouterFunctions.route()
                .POST("/api/v1/users/{user}/messages", request -> send(request, "user"))
                .POST("/api/v1/groups/{group}/messages", request -> send(request, "group"))
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
        return request.getMethod() == HttpMethod.POST && SendEndpoint.target(request.getPath().value()) != null;
    }

    @Bean
    SendDocs sendDocs() {
        return new SendDocs() {
        };
    }

    private Mono<ServerResponse> send(ServerRequest request, String what) {
        try {
            ServerRequest.Headers headers = request.headers();
            Sends.Checked send = sends.check(what, request.pathVariable(what), headers.firstHeader(Rehearsal.HEADER),
                    headers.firstHeader("X-Tenant"), headers.firstHeader("X-Api-Key"));
            return request.bodyToMono(byte[].class)
                    .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST, "No request body")))
                    .flatMap(body -> sends.send(send, body))
                    .flatMap(answer -> ServerResponse.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).bodyValue(answer))
                    .onErrorResume(error -> problem(request, error));
        }
        catch (ResponseStatusException e) {
            return problem(request, e);
        }
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
            detail = Sends.TOO_LARGE;
        }
        else {
            return Mono.error(error);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.requestPath().value()));
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).bodyValue(problem);
    }
}
