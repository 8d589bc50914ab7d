package io.wsgrid.gateway.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.wsgrid.gateway.support.AccessLogLines;
import io.wsgrid.gateway.support.Http;
import io.wsgrid.gateway.support.SilentBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/**} forwarding fails fast in front of nodes that accept connections and never answer: 504 after the
 * response timeout, an idempotent call tried once more on another node first, a POST never sent twice, and 503
 * when no node is up. Health checks are slowed to a crawl so the silent nodes stay UP for the test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.gateway.health.interval=1h", "wsgrid.admin.poll-interval=1h", "wsgrid.admin.history=1h",
        "wsgrid.gateway.api.response-timeout=1s"})
class ApiForwardingIT {

    static final SilentBackend FIRST = silent();
    static final SilentBackend SECOND = silent();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static SilentBackend silent() {
        try {
            return new SilentBackend();
        }
        catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("wsgrid.gateway.backends", () -> FIRST.url() + "," + SECOND.url());
    }

    @AfterAll
    static void stop() throws Exception {
        FIRST.close();
        SECOND.close();
    }

    @Autowired
    RelayServer relay;

    @LocalServerPort
    int adminPort;

    private HttpResponse<String> call(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString("{\"data\":1}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anIdempotentCallIsTriedOnceMoreElsewhereThenAnswered504() throws Exception {
        AccessLogLines log = new AccessLogLines();
        long start = System.nanoTime();
        HttpResponse<String> answer = call("GET", "/api/v1/users/idempotent?secret=1");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("\"status\":504").contains("did not answer within 1000 ms");
        // Each silent node got the call once: one try, one retry, then the answer (two timeouts, not more).
        assertThat(FIRST.requests("GET /api/v1/users/idempotent") + SECOND.requests("GET /api/v1/users/idempotent")).isEqualTo(2);
        // Two response timeouts of 1 s; the upper bound leaves room for a loaded CI machine.
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(8));
        // One access-log line for the call, without its query string.
        log.close();
        assertThat(log.lines()).singleElement().asString().startsWith("api client=127.0.0.1 method=GET path=/api/v1/users/idempotent status=504 ")
                .containsPattern(" time_ms=\\d+$").doesNotContain("secret");
    }

    @Test
    void aPostThatReachedANodeIsNeverSentTwice() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = call("POST", "/api/v1/users/once/messages");
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(8));
        assertThat(FIRST.requests("POST /api/v1/users/once") + SECOND.requests("POST /api/v1/users/once")).isEqualTo(1);
    }

    @Test
    void noNodeUpIsAnswered503() throws Exception {
        try {
            Http.admin(adminPort, "POST", "/api/backends/" + FIRST.backendId() + "/disable", null);
            Http.admin(adminPort, "POST", "/api/backends/" + SECOND.backendId() + "/disable", null);
            HttpResponse<String> answer = call("GET", "/api/v1/stats");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(answer.body()).contains("no backend is up");
        }
        finally {
            Http.admin(adminPort, "POST", "/api/backends/" + FIRST.backendId() + "/enable", null);
            Http.admin(adminPort, "POST", "/api/backends/" + SECOND.backendId() + "/enable", null);
        }
    }
}
