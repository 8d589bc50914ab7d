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
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.HistoryContract;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The {@link History} guarantees against the real Redis: the same cases as the in-memory history's unit test. */
class RedisHistoryIT extends HistoryContract {

    private static RedisClient client;
    private static StatefulRedisConnection<String, byte[]> connection;
    private final String prefix = Nodes.uniqueName("history");

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

    @Override
    protected History history(int size) {
        return new RedisHistory(connection.async(), prefix, new HistoryProperties(size, Duration.ofMinutes(10), Duration.ofHours(1)),
                Clock.systemUTC());
    }

    /** What a flushed Redis looks like to this cluster: none of its keys left. */
    @Override
    protected History lose(History history, int size) {
        ScanIterator<String> keys = ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(prefix + ":*").limit(500));
        keys.forEachRemaining(key -> connection.sync().del(key));
        return history;
    }
}
