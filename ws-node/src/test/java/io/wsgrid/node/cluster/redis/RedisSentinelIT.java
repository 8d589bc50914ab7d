package io.wsgrid.node.cluster.redis;

import java.time.Duration;
import java.util.List;

import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.node.support.RedisServers;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Traffic;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A primary and a replica watched by three Sentinels, the nodes given only the Sentinels
 * ({@code spring.data.redis.sentinel.*}). After the common cases the primary is failed over under traffic: the nodes
 * follow the Sentinels to the new primary without a restart.
 */
class RedisSentinelIT extends RedisDeploymentCases {

    private RedisServers.Sentinels sentinels;

    @Override
    protected List<String> startRedis(RedisServers servers) throws Exception {
        sentinels = servers.sentinels();
        return List.of("spring.data.redis.sentinel.master=" + RedisServers.SENTINEL_MASTER,
                "spring.data.redis.sentinel.nodes=" + sentinels.nodes());
    }

    @Test
    @Order(10)
    void afterAFailoverDeliveryPresenceAndQueuesWorkOnTheNewPrimary() throws Exception {
        Rest viaA = new Rest(a);
        Rest viaB = new Rest(b);
        try (WsClient erin = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=erin");
                Traffic traffic = new Traffic(viaB, "erin")) {
            awaitPresence(viaB, "erin", "a");
            await().atMost(Duration.ofSeconds(10)).until(() -> erin.receivesWithin(500));

            sentinels.failover();
            assertThat(sentinels.currentPrimary()).isEqualTo(sentinels.replica());
            // The old primary now replicates the new one: a node still writing there would get READONLY.
            // The demotion closes client connections, a redis-cli's included: ask again until it answers.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> RedisServers.cli(sentinels.primary(), "ROLE").startsWith("slave"));

            await().atMost(Duration.ofSeconds(20)).until(() -> busUp(a) && busUp(b));
            erin.drainRaw();
            int before = traffic.accepted();
            await().atMost(Duration.ofSeconds(20)).until(() -> traffic.accepted() > before + 5 && erin.receivesWithin(500));
        }
        try (WsClient frank = WsClient.connected("ws://127.0.0.1:" + b + "/ws?user_id=frank")) {
            awaitPresence(viaA, "frank", "b");
        }
        assertThat(viaA.post("/api/v1/users/gina/messages", "{\"data\":\"after the failover\"}").body()).contains("\"status\":\"queued\"");
        try (WsClient gina = WsClient.connected("ws://127.0.0.1:" + b + "/ws?user_id=gina")) {
            assertThat(gina.expect(Delivery.class).data().json()).isEqualTo("\"after the failover\"");
        }
    }
}
