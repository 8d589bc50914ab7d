package io.wsgrid.node.cluster.memory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.node.cluster.ClusterBus;
import io.wsgrid.node.cluster.Directory;
import io.wsgrid.node.cluster.GroupPresence;
import io.wsgrid.node.cluster.Membership;
import io.wsgrid.node.cluster.SessionIndex;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.history.InMemoryHistory;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.offline.OfflineProperties;

/**
 * What Redis holds for a cluster, in this JVM's memory, shared by several routers (nodes) of one unit test: the streams'
 * history, liveness, presence and group membership per node, offline queues, the session index, durable membership
 * and group presence counts, plus a {@link MemoryBus} between the nodes. Each node gets views of it that implement the
 * router's interfaces with the Redis implementations' semantics.
 *
 * <p>One monitor guards all of it, so each call is one atomic step, as each Redis script is; stages are complete when
 * returned. A test declares a node dead with {@link #kill}: its liveness is gone as if its key expired, it is off the
 * bus, and its own calls fail as a frozen or partitioned process's would, until {@link #revive}.
 */
public final class MemoryCluster implements AutoCloseable {

    final InMemoryHistory history;
    final InMemoryOfflineStore offline;
    private final MemoryBus bus = new MemoryBus();
    /** Nodes in the registry (they heartbeat) and not swept or gone; those not live are dead. */
    final Set<String> registered = new TreeSet<>();
    /** Nodes whose liveness holds. */
    final Set<String> live = new TreeSet<>();
    private final Set<String> cut = new HashSet<>();
    /** Sessions per node of each user: member(tenant, user) to node to count. */
    final Map<String, Map<String, Integer>> presence = new HashMap<>();
    /** Group membership per node: node to member(tenant, group) to user to sessions. */
    final Map<String, Map<String, Map<String, Integer>>> groups = new HashMap<>();
    /** The session index: node to session id to member(tenant, user). */
    final Map<String, Map<String, String>> sessions = new HashMap<>();
    /** Users who connected, per tenant, until a close or a read finds them on no live node. */
    final Map<String, TreeSet<String>> online = new HashMap<>();
    /** Durable membership: member(tenant, user) to groups, and member(tenant, group) to users. */
    final Map<String, TreeSet<String>> groupsOfUser = new HashMap<>();
    final Map<String, TreeSet<String>> membersOfGroup = new HashMap<>();
    /** Group presence: member(tenant, group) to node to user to that node's sessions of the user in the group. */
    final Map<String, Map<String, Map<String, Integer>>> shares = new HashMap<>();

    /** Completes when the sessions' connects may run; a test holds them to race a close against one. */
    volatile CompletableFuture<Void> connects = CompletableFuture.completedFuture(null);

    public MemoryCluster() {
        this(100);
    }

    /** Holds every session's connect until the returned future is completed (by the test, which then runs them). */
    public CompletableFuture<Void> holdConnects() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        connects = gate;
        return gate;
    }

    /** A cluster whose offline queues keep {@code queueCapacity} messages per user. */
    public MemoryCluster(int queueCapacity) {
        Clock clock = Clock.systemUTC();
        this.history = new InMemoryHistory(new HistoryProperties(100, Duration.ofMinutes(10), Duration.ofHours(1)), clock);
        this.offline = new InMemoryOfflineStore(new OfflineProperties(queueCapacity, Duration.ofMinutes(30)), clock,
                new NodeMetrics(new SimpleMeterRegistry()));
    }

    /** The streams' history, shared by every node. */
    public History history() {
        return history;
    }

    public Directory directory(String node) {
        return new MemoryDirectory(this, node);
    }

    public SessionIndex sessionIndex(String node) {
        return new MemorySessionIndex(this, node);
    }

    public Membership membership(String node) {
        return new MemoryMembership(this, node);
    }

    public GroupPresence groupPresence(String node) {
        return new MemoryGroupPresence(this, node);
    }

    public ClusterBus bus(String node) {
        return bus.join(node);
    }

    /** The bus between the nodes, to cut a node off it or lose an envelope. */
    public MemoryBus bus() {
        return bus;
    }

    /** The node's liveness expires, as when it stopped refreshing it for longer than the node TTL. */
    public synchronized void expire(String node) {
        live.remove(node);
    }

    /** The node dies: its liveness expires at once, it is off the bus and its calls fail, until {@link #revive}. */
    public synchronized void kill(String node) {
        expire(node);
        cut.add(node);
        bus.cut(node);
    }

    /** A killed node runs again; it is alive again from its next heartbeat. */
    public synchronized void revive(String node) {
        cut.remove(node);
        bus.reconnect(node);
    }

    /**
     * Counts a session of the user on the node that the node does not have: the stale presence a disconnect whose
     * write failed leaves behind.
     */
    public synchronized void stalePresence(String node, String tenant, String user) {
        presence.computeIfAbsent(Directory.member(tenant, user), k -> new TreeMap<>()).merge(node, 1, Integer::sum);
    }

    /** Messages in the user's offline queue. */
    public synchronized int queued(String tenant, String user) {
        return offline.queued(tenant, user);
    }

    synchronized boolean isCut(String node) {
        return cut.contains(node);
    }

    /** Runs {@code action} as one atomic step of {@code node}; fails at once while the node is cut off. */
    synchronized <T> CompletionStage<T> call(String node, Supplier<T> action) {
        if (cut.contains(node)) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + node + " is cut off from the cluster state"));
        }
        return CompletableFuture.completedFuture(action.get());
    }

    /**
     * Nodes outside {@code excluded} where the user has sessions, live or not: like the Redis send scripts, which may
     * touch one user's keys only, it leaves liveness to the caller. Under the monitor.
     */
    List<String> nodesOf(String tenant, String user, java.util.Collection<String> excluded) {
        List<String> nodes = new ArrayList<>();
        presence.getOrDefault(Directory.member(tenant, user), Map.of()).forEach((node, count) -> {
            if (count > 0 && !excluded.contains(node)) {
                nodes.add(node);
            }
        });
        return nodes;
    }

    /** Whether the user has a session on a live node. Under the monitor. */
    boolean onLiveNode(String tenant, String user) {
        return presence.getOrDefault(Directory.member(tenant, user), Map.of()).entrySet().stream()
                .anyMatch(e -> e.getValue() > 0 && live.contains(e.getKey()));
    }

    /** Removes a node's presence, membership and session-index entries (a swept or departed node). Under the monitor. */
    void forget(String node) {
        presence.values().forEach(perNode -> perNode.remove(node));
        presence.values().removeIf(Map::isEmpty);
        groups.remove(node);
        sessions.remove(node);
    }

    @Override
    public void close() {
        bus.close();
    }
}
