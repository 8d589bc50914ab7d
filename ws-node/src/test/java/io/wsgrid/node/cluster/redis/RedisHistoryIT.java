package io.wsgrid.node.cluster.redis;

import io.wsgrid.node.history.History;
import io.wsgrid.node.history.HistoryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link History} guarantees against the real Redis: the same cases as the in-memory history's unit test. */
class RedisHistoryIT extends HistoryContract {

    @RegisterExtension
    static final ScratchRedis redis = new ScratchRedis("history");

    @Override
    protected History history(int size) {
        return redis.history(size);
    }

    /** What a flushed Redis looks like to this cluster: none of its keys left. */
    @Override
    protected History lose(History history, int size) {
        redis.removeKeys();
        return history;
    }
}
