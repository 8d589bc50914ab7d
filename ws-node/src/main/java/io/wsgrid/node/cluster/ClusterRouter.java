package io.wsgrid.node.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.wsgrid.node.cluster.Envelope.Kind;
import io.wsgrid.node.cluster.redis.Keys;
import io.wsgrid.node.cluster.redis.RedisDirectory;
import io.wsgrid.node.delivery.LocalDelivery;
import io.wsgrid.node.delivery.Router;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;
import io.wsgrid.node.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The clustered router: local sessions are written directly, other nodes' through the {@link ClusterBus}; presence,
 * membership and offline queues live in the {@link RedisDirectory}.
 *
 * <p>A user-directed message asks the directory where the user is (queueing it atomically when nowhere) and is sent
 * to exactly those nodes. When every one of them turns out dead (no receiver, known only on the Redis bus), it asks
 * again without them, which queues the message unless the user has meanwhile connected elsewhere.
 */
final class ClusterRouter implements Router, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterRouter.class);

    private final Hub hub;
    private final LocalDelivery local;
    private final RedisDirectory directory;
    private final ClusterBus bus;
    private final String nodeId;
    private final NodeMetrics metrics;
    private final long heartbeatMillis;
    private ScheduledExecutorService timer;
    private volatile boolean running;

    ClusterRouter(Hub hub, LocalDelivery local, RedisDirectory directory, ClusterBus bus, String nodeId, NodeMetrics metrics,
            long heartbeatMillis) {
        this.hub = hub;
        this.local = local;
        this.directory = directory;
        this.bus = bus;
        this.nodeId = nodeId;
        this.metrics = metrics;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public CompletionStage<Boolean> toUser(String tenant, String user, byte[] message, long acceptedNanos) {
        return route(tenant, user, message, acceptedNanos, List.of());
    }

    private CompletionStage<Boolean> route(String tenant, String user, byte[] message, long acceptedNanos, List<String> excluded) {
        return directory.route(tenant, user, message, excluded).thenCompose(route -> switch (route) {
            case RedisDirectory.Route.Queued q -> CompletableFuture.completedFuture(true);
            case RedisDirectory.Route.Live live -> deliver(tenant, user, message, acceptedNanos, live.nodes()).thenCompose(dead -> {
                if (dead.size() < live.nodes().size() || !excluded.isEmpty()) {
                    return CompletableFuture.completedFuture(false);
                }
                List<String> without = new ArrayList<>(excluded);
                without.addAll(dead);
                return route(tenant, user, message, acceptedNanos, without);
            });
        }).exceptionally(error -> {
            // Redis is unreachable: presence is unknown, so deliver wherever the bus still reaches, and say "sent".
            deliverLocally(tenant, user, message, acceptedNanos);
            bus.publishToAll(Envelope.delivery(Kind.USER, nodeId, tenant, user, message));
            return false;
        });
    }

    /** Sends to each node; completes with the nodes that had nobody to take it. */
    private CompletionStage<List<String>> deliver(String tenant, String user, byte[] message, long acceptedNanos, List<String> nodes) {
        List<CompletableFuture<Boolean>> results = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            if (node.equals(nodeId)) {
                results.add(CompletableFuture.completedFuture(deliverLocally(tenant, user, message, acceptedNanos)));
            }
            else {
                results.add(bus.publishTo(node, Envelope.delivery(Kind.USER, nodeId, tenant, user, message))
                        .toCompletableFuture().exceptionally(e -> false));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<String> dead = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (!results.get(i).join()) {
                    dead.add(nodes.get(i));
                }
            }
            return dead;
        });
    }

    private boolean deliverLocally(String tenant, String user, byte[] message, long acceptedNanos) {
        return local.toUser(tenant, user, message, acceptedNanos);
    }

    @Override
    public void toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        local.toGroup(tenant, group, message, acceptedNanos);
        bus.publishToAll(Envelope.delivery(Kind.GROUP, nodeId, tenant, group, message));
    }

    @Override
    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        local.broadcast(tenant, message, acceptedNanos);
        bus.publishToAll(Envelope.delivery(Kind.BROADCAST, nodeId, tenant, "", message));
    }

    @Override
    public CompletionStage<List<byte[]>> opened(Session session) {
        return directory.connected(session.tenant(), session.user());
    }

    @Override
    public void closed(Session session) {
        directory.disconnected(session.tenant(), session.user());
        for (String group : session.groups()) {
            directory.membership(session.tenant(), group, session.user(), -1);
        }
    }

    @Override
    public void joined(Session session, String group) {
        directory.membership(session.tenant(), group, session.user(), 1);
    }

    @Override
    public void left(Session session, String group) {
        directory.membership(session.tenant(), group, session.user(), -1);
    }

    @Override
    public CompletionStage<Void> joinUser(String tenant, String user, String group) {
        joinLocally(tenant, user, group);
        return bus.publishToAll(Envelope.control(Kind.JOIN, nodeId, tenant, user, group));
    }

    @Override
    public CompletionStage<Void> leaveUser(String tenant, String user, String group) {
        leaveLocally(tenant, user, group);
        return bus.publishToAll(Envelope.control(Kind.LEAVE, nodeId, tenant, user, group));
    }

    private void joinLocally(String tenant, String user, String group) {
        for (Session s : local.joinUser(tenant, user, group)) {
            joined(s, group);
        }
    }

    private void leaveLocally(String tenant, String user, String group) {
        for (Session s : local.leaveUser(tenant, user, group)) {
            left(s, group);
        }
    }

    @Override
    public CompletionStage<Integer> kick(String tenant, String user) {
        return directory.presence(tenant, user).thenCompose(presence -> {
            int elsewhere = presence.entrySet().stream().filter(e -> !e.getKey().equals(nodeId)).mapToInt(e -> e.getValue()).sum();
            int here = local.kick(tenant, user);
            return bus.publishToAll(Envelope.control(Kind.KICK, nodeId, tenant, user, "")).thenApply(x -> here + elsewhere);
        });
    }

    @Override
    public CompletionStage<UserView> user(String tenant, String user) {
        return directory.presence(tenant, user).thenApply(presence -> new UserView(user, !presence.isEmpty(),
                presence.values().stream().mapToInt(Integer::intValue).sum(), List.copyOf(new java.util.TreeSet<>(presence.keySet()))));
    }

    @Override
    public CompletionStage<GroupView> group(String tenant, String group) {
        return directory.group(tenant, group).thenApply(view -> new GroupView(group, view.getKey(), view.getValue()));
    }

    /** Applies an envelope from another node to this node's sessions. Runs on the bus's thread; never blocks. */
    void onEnvelope(Envelope e) {
        long now = System.nanoTime();
        switch (e.kind()) {
            case USER -> {
                if (!deliverLocally(e.tenant(), e.target(), e.payload(), now)) {
                    metrics.dropped(DropReason.SESSION_CLOSED);
                }
            }
            case GROUP -> local.toGroup(e.tenant(), e.target(), e.payload(), now);
            case BROADCAST -> local.broadcast(e.tenant(), e.payload(), now);
            case JOIN -> joinLocally(e.tenant(), e.target(), e.extra());
            case LEAVE -> leaveLocally(e.tenant(), e.target(), e.extra());
            case KICK -> local.kick(e.tenant(), e.target());
        }
    }

    private void heartbeat() {
        directory.heartbeat().thenCompose(vanished -> {
            if (!vanished) {
                return CompletableFuture.completedFuture(null);
            }
            Hub.LocalState state = hub.localState(Keys::member);
            log.info("node {} (re)registered in Redis with {} users", nodeId, state.sessionsPerUser().size());
            return directory.restore(state.sessionsPerUser(), state.groups());
        }).thenCompose(x -> directory.sweepDeadNodes()).whenComplete((x, error) -> {
            if (error != null) {
                log.debug("heartbeat failed: {}", error.toString());
            }
        });
    }

    @Override
    public void start() {
        bus.subscribe(this::onEnvelope);
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("wsgrid-cluster").daemon().factory());
        heartbeat();
        timer.scheduleWithFixedDelay(this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        running = true;
        log.info("node {} joined the cluster over the {} bus", nodeId, bus.name());
    }

    @Override
    public void stop() {
        running = false;
        timer.shutdownNow();
        try {
            directory.leave().toCompletableFuture().get(2, TimeUnit.SECONDS);
        }
        catch (Exception e) {
            log.warn("could not unregister node {} from Redis: {}", nodeId, e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the sessions drained (GracefulShutdown) and before the bus stops. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 768;
    }
}
