package io.wsgrid.node.cluster;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How nodes form a cluster.
 *
 * @param bus      {@code memory}: a standalone node. {@code redis}: deliveries travel over Redis pub/sub; a message to
 *                 a user whose node just died is detected (no receiver) and queued. {@code rabbitmq}: deliveries travel
 *                 over a RabbitMQ fanout exchange. Both clustered modes keep presence and offline queues in Redis
 *                 ({@code spring.data.redis.*}).
 * @param redis    Redis keys and timings.
 * @param rabbitmq RabbitMQ names ({@code spring.rabbitmq.*} for the server).
 */
@Validated
@ConfigurationProperties("wsgrid.cluster")
public record ClusterProperties(
        @DefaultValue("memory") @NotNull Bus bus,
        @DefaultValue @Valid Redis redis,
        @DefaultValue @Valid Rabbitmq rabbitmq) {

    public enum Bus { MEMORY, REDIS, RABBITMQ }

    /**
     * @param prefix            prefixes every Redis key and channel, so clusters sharing one Redis never see each other.
     * @param nodeTtl           a node that stops heartbeating is considered dead after this long: its presence stops
     *                          counting and messages for its users are queued. Shorter detects deaths sooner but
     *                          risks declaring a node dead during a long GC pause.
     * @param heartbeatInterval how often a node refreshes its liveness key; keep it well below node-ttl.
     */
    public record Redis(
            @DefaultValue("wsgrid") @NotBlank String prefix,
            @DefaultValue("10s") @NotNull Duration nodeTtl,
            @DefaultValue("2s") @NotNull Duration heartbeatInterval) {

        public Redis {
            if (heartbeatInterval.compareTo(nodeTtl) >= 0) {
                throw new IllegalArgumentException("wsgrid.cluster.redis.heartbeat-interval (" + heartbeatInterval
                        + ") must be shorter than node-ttl (" + nodeTtl + ")");
            }
        }
    }

    /** @param exchange the durable fanout exchange all nodes of this cluster bind their queues to. */
    public record Rabbitmq(@DefaultValue("wsgrid.fanout") @NotBlank String exchange) {
    }
}
