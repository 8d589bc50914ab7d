package io.wsgrid.node.cluster;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.cluster.rabbit.RabbitBus;
import io.wsgrid.node.cluster.redis.RedisBus;
import io.wsgrid.node.cluster.redis.RedisDirectory;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.offline.OfflineProperties;
import io.wsgrid.node.delivery.LocalDelivery;
import io.wsgrid.node.delivery.Sequencer;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.cluster.redis.RedisHistory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The clustered node: a Lettuce client for the directory (and the Redis bus), the bus chosen by
 * {@code wsgrid.cluster.bus}, the {@link ClusterRouter}, and a {@code bus} health contributor.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${wsgrid.cluster.bus:memory}'.equalsIgnoreCase('memory')")
class ClusterConfiguration {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /**
     * Our own client rather than Spring Data's: commands fail at once while Redis is unreachable instead of queueing,
     * so no session or REST call waits on an outage; Lettuce still reconnects (and resubscribes) in the background.
     */
    @Bean(destroyMethod = "shutdown")
    RedisClient wsgridRedisClient(DataRedisConnectionDetails details) {
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        RedisURI.Builder uri = RedisURI.builder().withHost(standalone.getHost()).withPort(standalone.getPort())
                .withDatabase(standalone.getDatabase()).withTimeout(Duration.ofSeconds(2));
        if (details.getPassword() != null) {
            uri = details.getUsername() != null ? uri.withAuthentication(details.getUsername(), details.getPassword().toCharArray())
                    : uri.withPassword(details.getPassword().toCharArray());
        }
        RedisClient client = RedisClient.create(uri.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
        return client;
    }

    @Bean(destroyMethod = "close")
    StatefulRedisConnection<String, byte[]> wsgridRedisConnection(RedisClient client) {
        return client.connect(CODEC);
    }

    @Bean
    RedisHistory redisHistory(StatefulRedisConnection<String, byte[]> connection, ClusterProperties cluster, HistoryProperties history,
            Clock clock) {
        return new RedisHistory(connection.async(), cluster.redis().prefix(), history, clock);
    }

    @Bean
    RedisDirectory redisDirectory(StatefulRedisConnection<String, byte[]> connection, RedisHistory history, ClusterProperties cluster,
            OfflineProperties offline, NodeProperties node, Clock clock, NodeMetrics metrics) {
        return new RedisDirectory(connection.async(), connection::isOpen, history, cluster.redis().prefix(), node.id(), offline.capacity(),
                offline.ttl().toMillis(), cluster.redis().nodeTtl().toMillis(), clock, metrics);
    }

    @Bean
    @ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "redis")
    ClusterBus redisBus(RedisClient client, StatefulRedisConnection<String, byte[]> connection, ClusterProperties cluster,
            NodeProperties node, MeterRegistry registry) {
        return new RedisBus(connection, client.connectPubSub(CODEC), cluster.redis().prefix(), node.id(), new BusMetrics(registry, "redis"));
    }

    @Bean
    @ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "rabbitmq")
    RabbitBus rabbitBus(ConnectionFactory connections, ClusterProperties cluster, NodeProperties node, MeterRegistry registry) {
        return new RabbitBus(connections, cluster.rabbitmq().exchange(), node.id(), new BusMetrics(registry, "rabbitmq"));
    }

    @Bean
    ClusterRouter clusterRouter(Hub hub, LocalDelivery local, RedisDirectory directory, RedisHistory history, Sequencer sequencer,
            ClusterBus bus, NodeProperties node, NodeMetrics metrics, ClusterProperties cluster) {
        return new ClusterRouter(hub, local, directory, history, sequencer, bus, node.id(), metrics,
                cluster.redis().heartbeatInterval().toMillis());
    }

    /** DOWN while the bus or the directory's Redis connection is down; deliveries across nodes stop meanwhile. */
    @Bean
    HealthIndicator busHealthIndicator(ClusterBus bus, RedisDirectory directory) {
        return () -> {
            boolean busUp = bus.isUp();
            boolean redisUp = directory.isConnected();
            return (busUp && redisUp ? Health.up() : Health.down())
                    .withDetail("bus", bus.name()).withDetail("busConnected", busUp).withDetail("redisConnected", redisUp).build();
        };
    }
}
