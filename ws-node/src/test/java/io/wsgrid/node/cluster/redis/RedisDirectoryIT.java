package io.wsgrid.node.cluster.redis;

import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.DirectoryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link Directory} guarantees against the real Redis: the same cases as the in-memory directory's unit test. */
class RedisDirectoryIT extends DirectoryContract {

    @RegisterExtension
    static final ScratchRedis redis = new ScratchRedis("directory");

    @Override
    protected Directory directory(String node) {
        return redis.directory(node, CAPACITY);
    }

    @Override
    protected void expire(String node) {
        redis.expire(node);
    }
}
