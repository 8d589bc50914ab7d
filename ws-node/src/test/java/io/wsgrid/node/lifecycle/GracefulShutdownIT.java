package io.wsgrid.node.lifecycle;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.wsgrid.node.NodeApplication;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulShutdownIT {

    @Test
    void shutdownClosesEverySessionWith1001() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
                .run("--server.port=0", "--wsgrid.auth.mode=none", "--wsgrid.node.shutdown.drain-window=500ms");
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        List<WsClient> clients = IntStream.range(0, 20)
                .mapToObj(i -> WsClient.connected("ws://127.0.0.1:" + port + "/ws?user_id=u" + i))
                .toList();
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(context::close);
        for (WsClient client : clients) {
            assertThat(client.closeCode()).isEqualTo(1001);
            assertThat(client.closeReason()).isEqualTo("node shutting down");
        }
        shutdown.join();
        assertThat(context.isActive()).isFalse();
    }
}
