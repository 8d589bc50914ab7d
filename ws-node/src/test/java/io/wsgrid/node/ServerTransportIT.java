package io.wsgrid.node;

import java.util.List;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forced transports serve the WebSocket endpoint and the REST sends as {@code auto} (io_uring where the kernel
 * allows it, which every other test runs on) does: the fallbacks for where io_uring is blocked or misbehaves.
 */
class ServerTransportIT {

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aForcedTransportServesSessionsAndSends(String transport) {
        try (Nodes nodes = new Nodes()) {
            int port = nodes.start(List.of("wsgrid.auth.mode=none", "wsgrid.node.transport=" + transport));
            try (WsClient client = WsClient.connected("ws://127.0.0.1:" + port + "/ws?user_id=alice")) {
                Rest rest = new Rest(port);
                for (int i = 1; i <= 50; i++) {
                    assertThat(rest.post("/api/v1/users/alice/messages", "{\"data\":" + i + "}").status()).isEqualTo(202);
                }
                for (int i = 1; i <= 50; i++) {
                    ServerMessage.Delivery delivery = client.expect(ServerMessage.Delivery.class);
                    assertThat(delivery.data().json()).isEqualTo(Integer.toString(i));
                }
            }
        }
    }
}
