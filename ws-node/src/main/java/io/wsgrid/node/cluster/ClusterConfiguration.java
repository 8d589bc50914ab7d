package io.wsgrid.node.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.cluster.rabbit.RabbitBus;
import io.wsgrid.node.cluster.redis.RedisBus;
import io.wsgrid.node.cluster.redis.RedisConnections;
import io.wsgrid.node.cluster.redis.RedisDirectory;
import io.wsgrid.node.cluster.redis.RedisGroupPresence;
import io.wsgrid.node.cluster.redis.RedisMembership;
import io.wsgrid.node.cluster.redis.RedisSessionIndex;
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
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The clustered node: Redis connections for the directory (and the Redis bus), the bus chosen by
 * {@code wsgrid.cluster.bus}, the {@link ClusterRouter}, and a {@code bus} health contributor.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${wsgrid.cluster.bus:memory}'.equalsIgnoreCase('memory')")
class ClusterConfiguration {

    /** The command timeout when {@code spring.data.redis.timeout} is not set (Lettuce's own default is 60 s). */
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Commands fail at once while Redis is unreachable instead of queueing, so no session or REST call waits on an
     * outage; Lettuce still reconnects (and resubscribes) in the background. Applies to Spring's auto-configured
     * client, which the node uses for everything (see {@link RedisConnections}).
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer wsgridFailFastRedis() {
        return options -> options.autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    /**
     * Reconnect attempts at most a second apart. Lettuce's default backs off exponentially to 30 s, and an outage in
     * which Redis (or a proxy in front of it) refuses or drops each attempt at once grows the delay fast: after a
     * 2.5 s cut one node of a test cluster stayed disconnected for more than 10 s while the other was back at once.
     * With sends answering 503 meanwhile, a second is what a node may take to come back.
     */
    @Bean
    ClientResourcesBuilderCustomizer wsgridReconnectDelay() {
        return resources -> resources.reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    }

    /** A short command timeout unless {@code spring.data.redis.timeout} says otherwise: a stuck Redis must not hold sends. */
    @Bean
    LettuceClientConfigurationBuilderCustomizer wsgridRedisTimeout(DataRedisProperties properties) {
        return client -> {
            if (properties.getTimeout() == null) {
                client.commandTimeout(DEFAULT_COMMAND_TIMEOUT);
            }
        };
    }

    /**
     * The node's connections, opened on the Lettuce client Spring Boot built from {@code spring.data.redis.*}
     * (standalone, Sentinel or Cluster; URL, credentials, database, SSL bundle and timeouts included).
     */
    @Bean(destroyMethod = "close")
    RedisConnections wsgridRedisConnections(RedisConnectionFactory factory, DataRedisConnectionDetails details) {
        if (!(factory instanceof LettuceConnectionFactory lettuce)) {
            throw new IllegalStateException("wsgrid needs the Lettuce Redis client (spring.data.redis.client-type=lettuce, "
                    + "the default), not " + factory.getClass().getSimpleName());
        }
        if (details.getMasterReplica() != null) {
            throw new IllegalStateException("spring.data.redis.masterreplica is not supported by wsgrid: its pub/sub and "
                    + "scripts need the primary; use Sentinel (spring.data.redis.sentinel.*) for a primary with replicas");
        }
        return RedisConnections.open(lettuce.getRequiredNativeClient());
    }

    @Bean
    RedisHistory redisHistory(RedisConnections connection, ClusterProperties cluster, HistoryProperties history, Clock clock) {
        return new RedisHistory(connection.commands(), cluster.redis().prefix(), history, clock);
    }

    @Bean
    RedisDirectory redisDirectory(RedisConnections connection, RedisHistory history, ClusterProperties cluster,
            OfflineProperties offline, NodeProperties node, Clock clock, NodeMetrics metrics) {
        return new RedisDirectory(connection.commands(), connection::isOpen, history, cluster.redis().prefix(), node.id(), offline.capacity(),
                offline.ttl().toMillis(), cluster.redis().nodeTtl().toMillis(), clock, metrics);
    }

    @Bean
    RedisSessionIndex redisSessionIndex(RedisConnections connection, RedisDirectory directory, ClusterProperties cluster, NodeProperties node,
            Clock clock) {
        return new RedisSessionIndex(connection.commands(), directory, cluster.redis().prefix(), node.id(), clock);
    }

    @Bean
    RedisGroupPresence redisGroupPresence(RedisConnections connection, RedisDirectory directory, ClusterProperties cluster, NodeProperties node) {
        return new RedisGroupPresence(connection.commands(), directory, cluster.redis().prefix(), node.id(), cluster.redis().nodeTtl().toMillis());
    }

    @Bean
    RedisMembership redisMembership(RedisConnections connection, ClusterProperties cluster) {
        return new RedisMembership(connection.commands(), cluster.redis().prefix());
    }

    @Bean
    @ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "redis")
    ClusterBus redisBus(RedisConnections connections, ClusterProperties cluster, NodeProperties node, MeterRegistry registry) {
        return new RedisBus(connections, cluster.redis().prefix(), node.id(), new BusMetrics(registry, "redis"));
    }

    @Bean
    @ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "rabbitmq")
    RabbitBus rabbitBus(ConnectionFactory connections, ClusterProperties cluster, NodeProperties node, MeterRegistry registry) {
        return new RabbitBus(connections, cluster.rabbitmq().exchange(), node.id(), new BusMetrics(registry, "rabbitmq"));
    }

    @Bean
    ClusterRouter clusterRouter(Hub hub, LocalDelivery local, Directory directory, SessionIndex sessions,
            Membership membership, GroupPresence presence, io.wsgrid.node.delivery.GroupPolicy groups, RedisHistory history,
            Sequencer sequencer, ClusterBus bus, NodeProperties node, NodeMetrics metrics, ClusterProperties cluster) {
        return new ClusterRouter(hub, local, directory, sessions, membership, presence, groups::presenceEvents, history, sequencer, bus, node.id(), metrics,
                cluster.redis().heartbeatInterval().toMillis());
    }

    /** DOWN while the bus or the directory's Redis connection is down; deliveries across nodes stop meanwhile. */
    @Bean
    HealthIndicator busHealthIndicator(ClusterBus bus, Directory directory) {
        return () -> {
            boolean busUp = bus.isUp();
            boolean redisUp = directory.isConnected();
            return (busUp && redisUp ? Health.up() : Health.down())
                    .withDetail("bus", bus.name()).withDetail("busConnected", busUp).withDetail("redisConnected", redisUp).build();
        };
    }
}
