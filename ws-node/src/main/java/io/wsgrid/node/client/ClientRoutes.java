package io.wsgrid.node.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves the JavaScript client ({@code GET /client/wsgrid.js}, its TypeScript declarations {@code /client/wsgrid.d.ts})
 * and a chat demo page ({@code GET /demo}) from every node, so a web page can load the client from the cluster it
 * talks to, with no CDN. Responses carry an ETag and {@code Cache-Control: no-cache}: a browser revalidates on each
 * load and gets a 304 until the node is upgraded. Public like the WebSocket endpoint's handshake: nothing here needs a
 * tenant or a key, and the client files may be imported by pages of any origin (the WebSocket's own Origin check,
 * {@code wsgrid.node.session.allowed-origins}, is what limits who may connect).
 */
@Configuration(proxyBeanMethods = false)
class ClientRoutes {

    private static final Logger log = LoggerFactory.getLogger(ClientRoutes.class);

    static final MediaType JAVASCRIPT = new MediaType("text", "javascript", StandardCharsets.UTF_8);
    static final MediaType TYPESCRIPT = new MediaType("application", "typescript", StandardCharsets.UTF_8);

    @Bean
    RouterFunction<ServerResponse> javascriptClient() {
        ClientFile script = ClientFile.load("wsgrid.js", JAVASCRIPT);
        ClientFile types = ClientFile.load("wsgrid.d.ts", TYPESCRIPT);
        ClientFile demo = ClientFile.load("demo.html", new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
        List<String> missing = java.util.stream.Stream.of(script, types, demo).filter(f -> !f.present()).map(ClientFile::name).toList();
        if (!missing.isEmpty()) {
            log.warn("JavaScript client files {} are not on the classpath (build with Maven to copy ws-client/js); "
                    + "their URLs answer 404", missing);
        }
        return RouterFunctions.route()
                .GET("/client/wsgrid.js", request -> serve(request, script, true))
                .GET("/client/wsgrid.d.ts", request -> serve(request, types, true))
                .GET("/demo", request -> serve(request, demo, false))
                .GET("/demo/", request -> ServerResponse.permanentRedirect(URI.create("/demo")).build())
                .build();
    }

    /**
     * @param anyOrigin whether pages of any origin may load it: browsers fetch module scripts with CORS, so an app on
     *                  its own origin can import the client from the node only with this header
     */
    private static Mono<ServerResponse> serve(ServerRequest request, ClientFile file, boolean anyOrigin) {
        if (!file.present()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                    file.name() + " was not packaged into this node (it is copied from ws-client/js at build time)");
            return ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON).bodyValue(problem);
        }
        return request.checkNotModified(file.etag()).switchIfEmpty(Mono.defer(() -> ServerResponse.ok()
                .contentType(file.type())
                .eTag(file.etag())
                .cacheControl(CacheControl.noCache())
                .header("X-Content-Type-Options", "nosniff")
                .headers(h -> {
                    if (anyOrigin) {
                        h.setAccessControlAllowOrigin("*");
                    }
                })
                .bodyValue(file.bytes())));
    }
}
