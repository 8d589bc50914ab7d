package io.wsgrid.node.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.wsgrid.node.cluster.memory.MemoryCluster;
import io.wsgrid.node.session.TestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Nodes of one in-JVM cluster sharing a {@link MemoryCluster}; closing it stops them all. */
final class TestCluster implements AutoCloseable {

    /** How long a test waits to be sure that nothing more arrives. */
    static final long QUIET_MILLIS = 200;

    final MemoryCluster state = new MemoryCluster();
    private final List<TestNode> nodes = new ArrayList<>();

    TestNode node(String id) {
        return node(id, Set.of());
    }

    /** A node whose groups in {@code presenceNamespaces} (the part of the name before ':') report presence events. */
    TestNode node(String id, Set<String> presenceNamespaces) {
        TestNode node = new TestNode(id, state, presenceNamespaces);
        nodes.add(node);
        return node;
    }

    static void assertNothingMore(TestClient client) {
        assertThat(client.poll(QUIET_MILLIS)).as("a frame nobody expected").isNull();
    }

    @Override
    public void close() {
        nodes.forEach(TestNode::close);
        state.close();
    }
}
