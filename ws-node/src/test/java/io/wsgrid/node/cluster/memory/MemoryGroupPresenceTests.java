package io.wsgrid.node.cluster.memory;

import io.wsgrid.node.cluster.GroupPresence;
import io.wsgrid.node.cluster.GroupPresenceContract;

/** The {@link GroupPresence} guarantees on the in-memory cluster state: the same cases as {@code RedisGroupPresenceIT}. */
class MemoryGroupPresenceTests extends GroupPresenceContract {

    private final MemoryCluster cluster = new MemoryCluster();

    @Override
    protected GroupPresence presence(String node) {
        return cluster.groupPresence(node);
    }

    @Override
    protected void heartbeat(String node) {
        cluster.directory(node).heartbeat().toCompletableFuture().join();
    }

    @Override
    protected void expire(String node) {
        cluster.expire(node);
    }
}
