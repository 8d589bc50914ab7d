package io.wsgrid.node.cluster.redis;

import java.time.Duration;

import io.wsgrid.node.cluster.GroupPresence;
import io.wsgrid.node.cluster.GroupPresenceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link GroupPresence} guarantees against the real Redis: the same cases as the in-memory unit test. */
class RedisGroupPresenceIT extends GroupPresenceContract {

    @RegisterExtension
    static final ScratchRedis redis = new ScratchRedis("group-presence");

    @Override
    protected GroupPresence presence(String node) {
        return new RedisGroupPresence(redis.async(), redis.directory(node, 100), redis.prefix, node, Duration.ofSeconds(10).toMillis());
    }

    @Override
    protected void heartbeat(String node) {
        redis.directory(node, 100).heartbeat().toCompletableFuture().join();
    }

    @Override
    protected void expire(String node) {
        redis.expire(node);
    }
}
