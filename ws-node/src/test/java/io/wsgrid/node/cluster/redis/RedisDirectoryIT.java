package io.wsgrid.node.cluster.redis;

import java.time.Clock;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.DirectoryContract;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The {@link Directory} guarantees against the real Redis: the same cases as the in-memory directory's unit test. */
class RedisDirectoryIT extends DirectoryContract {

    private static RedisClient client;
    private static StatefulRedisConnection<String, byte[]> connection;
    private final String prefix = Nodes.uniqueName("directory");

    @BeforeAll
    static void connect() {
        Services.requireRedis();
        client = RedisClient.create("redis://127.0.0.1:6379");
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            connection.close();
            client.shutdown();
        }
    }

    @AfterEach
    void removeKeys() {
        ScanIterator<String> keys = ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(prefix + ":*").limit(500));
        keys.forEachRemaining(key -> connection.sync().del(key));
    }

    @Override
    protected Directory directory(String node) {
        RedisHistory history = new RedisHistory(connection.async(), prefix, new HistoryProperties(100, Duration.ofMinutes(10),
                Duration.ofHours(1)), Clock.systemUTC());
        return new RedisDirectory(connection.async(), connection::isOpen, history, prefix, node, CAPACITY, Duration.ofMinutes(30).toMillis(),
                Duration.ofSeconds(10).toMillis(), Clock.systemUTC(), new NodeMetrics(new SimpleMeterRegistry()));
    }

    /** What an expired liveness key looks like: the key is gone, the node is still in the registry. */
    @Override
    protected void expire(String node) {
        connection.sync().del(new Keys(prefix).node(node));
    }
}
