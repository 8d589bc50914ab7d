package io.wsgrid.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node killed without warning (SIGKILL): messages for its users are queued, and arrive after they reconnect. */
class NodeFailureIT {

    @Test
    void usersOfAKilledNodeReconnectElsewhereAndGetEverythingSentMeanwhile() throws Exception {
        Services.requireRedis();
        try (Nodes nodes = new Nodes()) {
            String name = Nodes.uniqueName("kill");
            Nodes.Started doomed = nodes.startProcess(Nodes.clusterProperties("redis", name, "doomed"));
            int survivor = nodes.start(Nodes.clusterProperties("redis", name, "survivor"));
            Rest viaSurvivor = new Rest(survivor);

            WsClient dana = WsClient.connected("ws://127.0.0.1:" + doomed.port() + "/ws?user_id=dana");
            await().atMost(Duration.ofSeconds(5)).until(() -> viaSurvivor.get("/api/v1/users/dana").body().contains("\"nodes\":[\"doomed\"]"));

            doomed.process().destroyForcibly().waitFor();
            assertThat(dana.closeCode()).isEqualTo(1006);

            // Sent while the dead node's presence has not expired yet: nobody receives the PUBLISH, so they are queued.
            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(viaSurvivor.post("/api/v1/users/dana/messages", "{\"data\":" + i + "}").body());
            }
            assertThat(statuses).allMatch(s -> s.contains("\"status\":\"queued\""));

            try (WsClient reconnected = WsClient.connected("ws://127.0.0.1:" + survivor + "/ws?user_id=dana")) {
                for (int i = 0; i < 5; i++) {
                    assertThat(reconnected.expect(Delivery.class).data().json()).isEqualTo(Integer.toString(i));
                }
                assertThat(viaSurvivor.post("/api/v1/users/dana/messages", "{\"data\":\"live\"}").body()).contains("\"status\":\"sent\"");
                assertThat(reconnected.expect(Delivery.class).data().json()).isEqualTo("\"live\"");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> viaSurvivor.get("/api/v1/users/dana").body().contains("\"online\":false"));
        }
    }
}
