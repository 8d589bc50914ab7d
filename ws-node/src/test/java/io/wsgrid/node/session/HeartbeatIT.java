package io.wsgrid.node.session;

import java.time.Duration;

import io.wsgrid.node.support.RawWsClient;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.auth.mode=none",
        "wsgrid.node.session.ping-interval=200ms", "wsgrid.node.session.idle-timeout=1s"})
class HeartbeatIT {

    @LocalServerPort
    int port;

    @Test
    void aClientThatAnswersPingsStaysConnected() {
        try (WsClient client = WsClient.connected("ws://127.0.0.1:" + port + "/ws?user_id=alive")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pings() >= 10);
            assertThat(client.isClosed()).as("closed after %d pings", client.pings()).isFalse();
        }
    }

    @Test
    void aSilentClientIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawWsClient silent = new RawWsClient(port, "/ws?user_id=silent", 65536)) {
            long start = System.nanoTime();
            assertThat(silent.readUntilClose()).isEqualTo(1001);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }
}
