package io.wsgrid.node.cluster.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The node's Redis connections, whatever the deployment: one shared command connection and pub/sub connections, all
 * opened on the Lettuce client Spring Boot built from {@code spring.data.redis.*} (standalone or Sentinel: a
 * {@link RedisClient}; Redis Cluster: a {@link RedisClusterClient}). Callers see only what both kinds share:
 * {@link RedisClusterAsyncCommands} for commands, {@link StatefulRedisPubSubConnection} for pub/sub, and whether the
 * deployment {@link #isCluster() is a cluster} (where keys of one command must share a slot and pub/sub is sharded).
 *
 * <p>How commands behave during an outage (fail at once or queue, timeouts) is the client's configuration, set where
 * the client is built. Lettuce reconnects every connection on its own and resubscribes pub/sub channels. The client
 * itself belongs to Spring's connection factory: {@link #close()} closes only the connections opened here.
 */
public final class RedisConnections implements AutoCloseable {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final AbstractRedisClient client;
    private final StatefulConnection<String, byte[]> connection;
    private final RedisClusterAsyncCommands<String, byte[]> commands;
    private final List<StatefulConnection<String, byte[]>> pubSub = new CopyOnWriteArrayList<>();

    private RedisConnections(AbstractRedisClient client, StatefulConnection<String, byte[]> connection,
            RedisClusterAsyncCommands<String, byte[]> commands) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
    }

    /** Opens the command connection; fails when Redis is unreachable, as a node without its directory cannot start. */
    public static RedisConnections open(AbstractRedisClient client) {
        return switch (client) {
            case RedisClusterClient cluster -> {
                StatefulRedisClusterConnection<String, byte[]> connection = cluster.connect(CODEC);
                yield new RedisConnections(client, connection, connection.async());
            }
            case RedisClient standalone -> {
                StatefulRedisConnection<String, byte[]> connection = standalone.connect(CODEC);
                yield new RedisConnections(client, connection, connection.async());
            }
            default -> throw new IllegalStateException("unsupported Lettuce client " + client.getClass().getName());
        };
    }

    /** The shared command connection's async API; in a cluster it routes each command to its slot's primary. */
    public RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /** Whether this is a Redis Cluster: pub/sub must use sharded channels, and one command's keys one slot. */
    public boolean isCluster() {
        return client instanceof RedisClusterClient;
    }

    /**
     * A new pub/sub connection, closed with this object. In a cluster its sharded subscriptions go to the node
     * that owns each channel's slot, and messages from every node reach the listeners added to it.
     */
    public StatefulRedisPubSubConnection<String, byte[]> connectPubSub() {
        StatefulRedisPubSubConnection<String, byte[]> connection = switch (client) {
            case RedisClusterClient cluster -> cluster.connectPubSub(CODEC);
            case RedisClient standalone -> standalone.connectPubSub(CODEC);
            default -> throw new IllegalStateException("unsupported Lettuce client " + client.getClass().getName());
        };
        pubSub.add(connection);
        return connection;
    }

    /** Whether the command connection is connected right now. */
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        pubSub.forEach(RedisConnections::closeIfOpen);
        closeIfOpen(connection);
    }

    /** Spring's factory shuts the client down first when the context stops, which already closed our connections. */
    private static void closeIfOpen(StatefulConnection<?, ?> connection) {
        if (!(connection instanceof RedisChannelHandler<?, ?> handler && handler.isClosed())) {
            connection.close();
        }
    }
}
