package io.wsgrid.gateway.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.wsgrid.gateway.support.SilentBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** With the default timeouts, a call to a node that never answers gets 504 within 11 s instead of hanging. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.gateway.health.interval=1h", "wsgrid.admin.poll-interval=1h", "wsgrid.admin.history=1h"})
class ApiForwardingDefaultTimeoutIT {

    static final SilentBackend SILENT = ApiForwardingIT.silent();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("wsgrid.gateway.backends", SILENT::url);
    }

    @AfterAll
    static void stop() throws Exception {
        SILENT.close();
    }

    @Autowired
    RelayServer relay;

    @Test
    void aHangingNodeIsAnswered504Within11Seconds() throws Exception {
        long start = System.nanoTime();
        // A GET is idempotent, but there is no other node to try: one timeout, then the answer.
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + "/api/v1/stats")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(took).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
    }
}
