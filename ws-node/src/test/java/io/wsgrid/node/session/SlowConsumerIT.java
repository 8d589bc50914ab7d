package io.wsgrid.node.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.RawWsClient;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading (a stalled socket) is closed with 4008 once its outbound queue is full, in bytes or in
 * frames, while a fast client on the same node keeps getting its messages promptly.
 */
class SlowConsumerIT {

    @Nested
    @SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {"wsgrid.auth.mode=none", "wsgrid.node.session.outbound-queue-size=256KB"})
    class ByteLimit extends Scenario {
    }

    @Nested
    @SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.auth.mode=none",
            "wsgrid.node.session.outbound-queue-size=64MB", "wsgrid.node.session.outbound-queue-frames=32"})
    class FrameLimit extends Scenario {
    }

    abstract static class Scenario {

        @LocalServerPort
        int port;

        @Autowired
        MeterRegistry registry;

        @Test
        void aClientThatNeverReadsIsClosedWith4008WhileAFastClientKeepsItsLatency() throws Exception {
            Rest rest = new Rest(port);
            String payload = "{\"data\":\"" + "x".repeat(16 * 1024) + "\"}";
            try (RawWsClient slow = new RawWsClient(port, "/ws?user_id=slow", 4096);
                    WsClient fast = WsClient.connected("ws://127.0.0.1:" + port + "/ws?user_id=fast")) {
                double dropsBefore = slowConsumerDrops();
                List<CompletableFuture<Rest.Response>> inFlight = new ArrayList<>();
                long worstRoundTrip = 0;
                int fastSent = 0;
                int fastReceived = 0;
                // Up to 32 MiB for the stalled client: more than the node's queue plus both kernels' socket buffers.
                for (int i = 0; i < 2000 && slowConsumerDrops() == dropsBefore; i++) {
                    inFlight.add(rest.postAsync("/api/v1/users/slow/messages", payload));
                    if (i % 100 == 0) {
                        rest.post("/api/v1/users/fast/messages", "{\"data\":" + i + "}");
                        fastSent++;
                        long start = System.nanoTime();
                        fast.send("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
                        ServerMessage m;
                        while (!((m = fast.next()) instanceof ServerMessage.Pong)) {
                            fastReceived += m instanceof ServerMessage.Delivery ? 1 : 0;
                        }
                        worstRoundTrip = Math.max(worstRoundTrip, System.nanoTime() - start);
                    }
                    if (inFlight.size() >= 64) {
                        inFlight.removeFirst().join();
                    }
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> slowConsumerDrops() > dropsBefore);

                // What the node had queued still arrives, then the close frame.
                assertThat(slow.readUntilClose()).isEqualTo(4008);
                await().atMost(Duration.ofSeconds(5)).until(() -> rest.get("/api/v1/users/slow").body().contains("\"online\":false"));

                while (fastReceived < fastSent) {
                    fast.expect(ServerMessage.Delivery.class);
                    fastReceived++;
                }
                assertThat(fast.isClosed()).isFalse();
                assertThat(Duration.ofNanos(worstRoundTrip)).as("fast client's worst ping round trip").isLessThan(Duration.ofSeconds(1));
            }
        }

        private double slowConsumerDrops() {
            return registry.counter("wsgrid.drops", "reason", "slow_consumer").count();
        }
    }
}
