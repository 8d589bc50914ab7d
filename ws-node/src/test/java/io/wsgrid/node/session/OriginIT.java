package io.wsgrid.node.session;

import java.util.Map;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.auth.mode=none",
        "wsgrid.node.session.allowed-origins=https://app.example.com"})
class OriginIT {

    @LocalServerPort
    int port;

    @Test
    void browsersFromOtherOriginsAreRefusedAtTheHandshake() {
        String url = "ws://127.0.0.1:" + port + "/ws?user_id=o";
        try (WsClient allowed = WsClient.connect(url, Map.of("Origin", "https://app.example.com"))) {
            assertThat(allowed.expect(ServerMessage.Connected.class).user()).isEqualTo("o");
        }
        assertThatThrownBy(() -> WsClient.connect(url, Map.of("Origin", "https://evil.example.net"))).hasStackTraceContaining("403");
        try (WsClient nonBrowser = WsClient.connect(url)) {
            assertThat(nonBrowser.expect(ServerMessage.Connected.class).user()).isEqualTo("o");
        }
    }
}
