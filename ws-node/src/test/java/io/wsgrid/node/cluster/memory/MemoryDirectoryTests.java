package io.wsgrid.node.cluster.memory;

import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.DirectoryContract;

/** The {@link Directory} guarantees on the in-memory cluster state: the same cases as {@code RedisDirectoryIT}. */
class MemoryDirectoryTests extends DirectoryContract {

    private final MemoryCluster cluster = new MemoryCluster(CAPACITY);

    @Override
    protected Directory directory(String node) {
        return cluster.directory(node);
    }

    @Override
    protected void expire(String node) {
        cluster.expire(node);
    }
}
