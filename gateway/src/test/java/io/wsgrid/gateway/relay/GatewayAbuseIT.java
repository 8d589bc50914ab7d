package io.wsgrid.gateway.relay;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.gateway.support.Http;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bad and abusive clients get precise answers and never harm anyone else. No backends are needed for this. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.gateway.handshake-timeout=1s",
        "wsgrid.gateway.connect-rate-per-ip=3", "wsgrid.gateway.connect-burst-per-ip=3"})
class GatewayAbuseIT {

    @Autowired
    RelayServer relay;

    @Test
    void malformedRequestsGet400() throws Exception {
        assertThat(Http.raw(relay.port(), "GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(Http.raw(relay.port(), "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(Http.raw(relay.port(), "GET /ws HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(Http.raw(relay.port(), "GET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    @Test
    void aClientStreamingGarbageOrNothingIsCutOff() throws Exception {
        try (Socket garbage = new Socket("127.0.0.1", relay.port()); Socket silent = new Socket("127.0.0.1", relay.port())) {
            OutputStream out = garbage.getOutputStream();
            InputStream in = garbage.getInputStream();
            garbage.setSoTimeout(10_000);
            silent.setSoTimeout(10_000);
            // No line end ever: the request line limit (4 KiB) ends it.
            out.write("x".repeat(5000).getBytes());
            out.flush();
            assertThat(new String(in.readNBytes(12))).isEqualTo("HTTP/1.1 400");
            // The silent one is closed by the handshake timeout.
            long start = System.nanoTime();
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        // Meanwhile the gateway still answers others.
        assertThat(Http.raw(relay.port(), "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    @Test
    void tooManyUpgradesFromOneIpGet429() throws Exception {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(Http.raw(relay.port(), Http.upgrade("/ws?user_id=flood")));
        }
        // No backends here: the first few get 503 (nobody to take them), the rest are refused by the rate limit.
        assertThat(answers).anyMatch(a -> a.startsWith("HTTP/1.1 429"));
        assertThat(answers.getFirst()).startsWith("HTTP/1.1 503");
        await().atMost(Duration.ofSeconds(3)).until(() -> Http.raw(relay.port(), Http.upgrade("/ws?user_id=later")).startsWith("HTTP/1.1 503"));
    }
}
