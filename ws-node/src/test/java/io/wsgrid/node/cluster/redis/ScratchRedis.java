package io.wsgrid.node.cluster.redis;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Services;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test Redis for the contract ITs of the Redis classes: one connection per test class, a key prefix of the
 * class's own, every key under it removed after each test, and the Redis classes built on it as the node builds them.
 * Register it as a static {@code @RegisterExtension} field.
 */
final class ScratchRedis implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    final String prefix;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;

    ScratchRedis(String name) {
        this.prefix = Nodes.uniqueName(name);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Services.requireRedis();
        client = RedisClient.create("redis://127.0.0.1:6379");
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            connection.close();
            client.shutdown();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        removeKeys();
    }

    /** Removes every key of this prefix: what a flushed Redis looks like to the cluster using it. */
    void removeKeys() {
        ScanIterator<String> keys = ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(prefix + ":*").limit(500));
        keys.forEachRemaining(key -> connection.sync().del(key));
    }

    RedisAsyncCommands<String, byte[]> async() {
        return connection.async();
    }

    RedisHistory history(int size) {
        return new RedisHistory(async(), prefix, new HistoryProperties(size, Duration.ofMinutes(10), Duration.ofHours(1)), Clock.systemUTC());
    }

    RedisDirectory directory(String node, int queueCapacity) {
        return new RedisDirectory(async(), connection::isOpen, history(100), prefix, node, queueCapacity, Duration.ofMinutes(30).toMillis(),
                Duration.ofSeconds(10).toMillis(), Clock.systemUTC(), new NodeMetrics(new SimpleMeterRegistry()));
    }

    /** What an expired liveness key looks like: the key is gone, the node is still in the registry. */
    void expire(String node) {
        connection.sync().del(new Keys(prefix).node(node));
    }
}
