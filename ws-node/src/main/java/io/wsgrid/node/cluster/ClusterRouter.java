package io.wsgrid.node.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.cluster.Envelope.Kind;
import io.wsgrid.node.delivery.LocalDelivery;
import io.wsgrid.node.delivery.Router;
import io.wsgrid.node.delivery.Sequencer;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;
import io.wsgrid.node.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The clustered router: every user and group message is first appended to its stream's shared history (Redis in
 * production; that is what makes a 202 durable), then written to local sessions directly and to other nodes' through
 * the {@link ClusterBus}; presence, membership and offline queues live in the {@link Directory}. Each node passes the
 * messages of a stream to its sessions through the {@link Sequencer}, which restores offset order and fills from
 * history what the bus lost.
 *
 * <p>A user message is appended and routed in one atomic step: it goes to the nodes where the user has sessions, or to
 * the user's offline queue when there are none. When every one of those nodes turns out dead (no receiver, known only
 * on the Redis bus) or has no session of the user after all (stale presence), it is queued unless the user connected
 * elsewhere meanwhile. Presence heals: a node whose presence write failed, or whose liveness key vanished, writes its
 * whole state again at the next heartbeat and then hands its users whatever was queued for them meanwhile. A node whose
 * liveness only lapsed (nobody swept it) keeps its presence and hands its users what was queued for them.
 *
 * <p>Durable membership ({@link Membership}) is read by every session as it opens, after it is in the hub: a
 * membership stored before that read is applied by it, one stored after reaches the session through the bus's join
 * command, so none is missed (one applied twice is a no-op). One session is found through the
 * {@link SessionIndex} and reached over the bus.
 *
 * <p>Presence events: in groups whose namespace enables them, every join and leave of a session here updates the
 * group's cluster-wide counts in one atomic step ({@link GroupPresence}); the node whose change was a user's first
 * join or last leave writes the {@code presence} frame to the group's sessions here and on every other node. A dead
 * node's sessions are reported as leaves by the live node that sweeps it. Events are live only, like broadcasts.
 */
final class ClusterRouter implements Router, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterRouter.class);
    /** Marks a user envelope that was forwarded once after stale presence; it is not forwarded again. */
    private static final String REROUTED = "rerouted";

    private final Hub hub;
    private final LocalDelivery local;
    private final Directory directory;
    private final SessionIndex sessions;
    private final Membership membership;
    private final GroupPresence presence;
    private final java.util.function.Predicate<String> presenceEvents;
    private final History history;
    private final Sequencer sequencer;
    private final ClusterBus bus;
    private final String nodeId;
    private final NodeMetrics metrics;
    private final long heartbeatMillis;
    private ScheduledExecutorService timer;
    private volatile boolean running;
    /** Registered nodes whose liveness expired, as of the last heartbeat: their presence does not count. */
    private volatile Set<String> dead = Set.of();
    private boolean busWasDown;
    /**
     * Heartbeats left that drain this node's users' queues again after a restore. Other nodes learn that this node is
     * alive again only at their own next heartbeat; until then they count it dead and queue its users' messages, after
     * the drain that followed the restore.
     */
    private final java.util.concurrent.atomic.AtomicInteger drainsAfterRestore = new java.util.concurrent.atomic.AtomicInteger();
    /** Stream envelopes this node's bus failed to publish, published again once it is back. */
    private final Unsent unsent = new Unsent(10_000);
    private static final int DRAINS_AFTER_RESTORE = 3;

    ClusterRouter(Hub hub, LocalDelivery local, Directory directory, SessionIndex sessions, Membership membership,
            GroupPresence presence, java.util.function.Predicate<String> presenceEvents, History history, Sequencer sequencer,
            ClusterBus bus, String nodeId, NodeMetrics metrics, long heartbeatMillis) {
        this.presence = presence;
        this.presenceEvents = presenceEvents;
        this.hub = hub;
        this.local = local;
        this.directory = directory;
        this.sessions = sessions;
        this.membership = membership;
        this.history = history;
        this.sequencer = sequencer;
        this.bus = bus;
        this.nodeId = nodeId;
        this.metrics = metrics;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public CompletionStage<UserSent> toUser(String tenant, String user, byte[] message, long acceptedNanos) {
        return directory.sendToUser(tenant, user, message, dead).thenCompose(sent -> switch (sent.route()) {
            case Directory.Route.Queued q -> CompletableFuture.completedFuture(new UserSent(sent.position(), true));
            case Directory.Route.Live live -> deliver(tenant, user, sent.position(), sent.frame(), acceptedNanos, live.nodes(), "")
                    .thenCompose(missed -> {
                        if (missed.size() < live.nodes().size()) {
                            return CompletableFuture.completedFuture(new UserSent(sent.position(), false));
                        }
                        Set<String> without = new HashSet<>(dead);
                        without.addAll(missed);
                        return reroute(tenant, user, sent.position(), sent.frame(), acceptedNanos, without)
                                .thenApply(queued -> new UserSent(sent.position(), queued));
                    });
        });
    }

    /** Queues a message none of whose nodes took it, unless the user has sessions elsewhere; completes with "queued". */
    private CompletionStage<Boolean> reroute(String tenant, String user, StreamPosition position, byte[] frame, long acceptedNanos,
            Set<String> without) {
        return directory.queueUnlessLive(tenant, user, frame, without).thenCompose(route -> switch (route) {
            case Directory.Route.Queued q -> CompletableFuture.completedFuture(true);
            case Directory.Route.Live live -> deliver(tenant, user, position, frame, acceptedNanos, live.nodes(), REROUTED)
                    .thenApply(missed -> false);
        });
    }

    /** Sends to each node; completes with the nodes that did not take it (dead, or no session of the user). */
    private CompletionStage<List<String>> deliver(String tenant, String user, StreamPosition position, byte[] frame, long acceptedNanos,
            List<String> nodes, String extra) {
        List<CompletableFuture<Boolean>> results = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            if (node.equals(nodeId)) {
                results.add(CompletableFuture.completedFuture(offerLocally(tenant, user, position, frame, acceptedNanos)));
            }
            else {
                Envelope envelope = new Envelope(Kind.USER, nodeId, node, tenant, user, extra, position.offset(), position.epoch(), frame);
                // A node with no receiver counts as missed; one this node's failing bus could not reach gets it once
                // the bus is back, unless there is no room to keep it.
                results.add(bus.publishTo(node, envelope).toCompletableFuture().exceptionally(e -> unsent.add(node, envelope)));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<String> missed = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (!results.get(i).join()) {
                    missed.add(nodes.get(i));
                }
            }
            return missed;
        });
    }

    private boolean offerLocally(String tenant, String user, StreamPosition position, byte[] frame, long acceptedNanos) {
        if (!local.hasUser(tenant, user)) {
            return false;
        }
        local.offer(StreamId.user(tenant, user), position, frame, acceptedNanos);
        return true;
    }

    @Override
    public CompletionStage<StreamPosition> toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        StreamId stream = StreamId.group(tenant, group);
        return history.append(stream, message).thenApply(appended -> {
            StreamPosition position = appended.position();
            local.offer(stream, position, appended.frame(), acceptedNanos);
            Envelope envelope = Envelope.group(nodeId, tenant, group, position.offset(), position.epoch(), appended.frame());
            bus.publishToAll(envelope).whenComplete((x, error) -> {
                if (error != null) {
                    unsent.add(null, envelope);
                }
            });
            return position;
        });
    }

    @Override
    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        local.broadcast(tenant, message, acceptedNanos);
        bus.publishToAll(Envelope.broadcast(nodeId, tenant, message));
    }

    @Override
    public CompletionStage<Opened> opened(Session session) {
        hub.register(session);
        StreamId stream = StreamId.user(session.tenant(), session.user());
        String tenant = session.tenant();
        String user = session.user();
        return directory.connected(tenant, user).thenCompose(connected -> {
            session.markRegistered();
            if (!session.isOpen() && session.claimUncount()) {
                // The session closed while its connect was on its way, so its close found it not counted yet: the
                // count goes here, and what the connect took from the queue goes back (or to the user elsewhere).
                directory.disconnected(tenant, user);
                requeue(tenant, user, connected.queued());
                return CompletableFuture.completedFuture(new Opened(connected.top(), List.of()));
            }
            local.follow(stream, connected.top());
            sessions.opened(session.id(), tenant, user);
            Opened opened = new Opened(connected.top(), connected.queued());
            return membership.groupsOf(tenant, user).thenApply(groups -> {
                for (String group : local.joinDurable(session, groups)) {
                    joined(session, group);
                }
                return opened;
            }).whenComplete((x, error) -> {
                if (error != null) {
                    // The open fails and the session is closed (1013): it will not get what the connect took.
                    requeue(tenant, user, connected.queued());
                }
            });
        });
    }

    /** The nodes known dead, and {@code node}. */
    private Set<String> withDead(String node) {
        Set<String> without = new HashSet<>(dead);
        without.add(node);
        return without;
    }

    /**
     * Puts back, in order, messages that a connect took from the user's queue for a session that will not get them:
     * queued again, or sent to the user's sessions on other nodes. Should that fail, history still holds them.
     */
    private void requeue(String tenant, String user, List<byte[]> frames) {
        Set<String> without = withDead(nodeId);
        long now = System.nanoTime();
        CompletionStage<?> chain = CompletableFuture.completedFuture(null);
        for (byte[] frame : frames) {
            StreamPosition position = ProtocolCodec.positionOf(frame);
            if (position != null) {
                chain = chain.thenCompose(x -> reroute(tenant, user, position, frame, now, without));
            }
        }
        chain.whenComplete((x, error) -> {
            if (error != null) {
                log.warn("could not queue again {} messages of {}/{}; a resume still gets them from history: {}", frames.size(), tenant, user,
                        error.toString());
            }
        });
    }

    @Override
    public void closed(Session session) {
        boolean wasRegistered = hub.unregister(session);
        local.closed(session);
        if (wasRegistered && session.isRegistered() && session.claimUncount()) {
            directory.disconnected(session.tenant(), session.user())
                    .whenComplete((x, error) -> sessions.closed(session.id(), session.tenant(), session.user()));
            for (String group : session.groups()) {
                directory.membership(session.tenant(), group, session.user(), -1);
                trackPresence(session.tenant(), group, session.user(), -1);
            }
        }
    }

    @Override
    public void joined(Session session, String group) {
        directory.membership(session.tenant(), group, session.user(), 1);
        trackPresence(session.tenant(), group, session.user(), 1);
    }

    @Override
    public void left(Session session, String group) {
        directory.membership(session.tenant(), group, session.user(), -1);
        trackPresence(session.tenant(), group, session.user(), -1);
    }

    private void trackPresence(String tenant, String group, String user, int delta) {
        if (presenceEvents.test(group)) {
            presence.change(tenant, group, user, delta).whenComplete((transition, error) -> {
                if (transition != null) {
                    announce(transition);
                }
                else if (error != null) {
                    log.debug("presence of {} in {} not counted: {}", user, group, error.toString());
                }
            });
        }
    }

    /** Writes a presence event to the group's sessions here and on every other node. */
    private void announce(GroupPresence.Transition t) {
        byte[] frame = LocalDelivery.presenceFrame(t.group(), t.user(), t.join());
        local.presence(t.tenant(), t.group(), frame);
        bus.publishToAll(new Envelope(Kind.PRESENCE, nodeId, "", t.tenant(), t.group(), t.user(), 0, "", frame));
    }

    @Override
    public CompletionStage<Void> joinUser(String tenant, String user, String group) {
        return membership.add(tenant, user, group).thenCompose(x -> {
            joinLocally(tenant, user, group);
            return bus.publishToAll(Envelope.control(Kind.JOIN, nodeId, tenant, user, group));
        });
    }

    @Override
    public CompletionStage<Void> leaveUser(String tenant, String user, String group) {
        return membership.remove(tenant, user, group).thenCompose(x -> {
            leaveLocally(tenant, user, group);
            return bus.publishToAll(Envelope.control(Kind.LEAVE, nodeId, tenant, user, group));
        });
    }

    @Override
    public CompletionStage<List<String>> members(String tenant, String group) {
        return membership.members(tenant, group);
    }

    @Override
    public CompletionStage<Boolean> toSession(String tenant, String session, java.util.function.Function<String, byte[]> encode,
            long acceptedNanos) {
        if (local.toSession(tenant, session, encode, acceptedNanos)) {
            return CompletableFuture.completedFuture(true);
        }
        return sessions.find(tenant, session).thenCompose(at -> at == null || at.node().equals(nodeId)
                ? CompletableFuture.completedFuture(false)
                : bus.publishTo(at.node(), Envelope.session(Kind.SESSION, nodeId, at.node(), tenant, session, encode.apply(at.user()))));
    }

    @Override
    public CompletionStage<Boolean> closeSession(String tenant, String session) {
        if (local.closeSession(tenant, session)) {
            return CompletableFuture.completedFuture(true);
        }
        return sessions.find(tenant, session).thenCompose(at -> at == null || at.node().equals(nodeId)
                ? CompletableFuture.completedFuture(false)
                : bus.publishTo(at.node(), Envelope.session(Kind.CLOSE_SESSION, nodeId, at.node(), tenant, session, new byte[0])));
    }

    @Override
    public CompletionStage<OnlinePage> online(String tenant, String cursor, int limit) {
        return sessions.online(tenant, cursor, limit).thenApply(page -> new OnlinePage(page.users(), page.cursor()));
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
        if (!e.isFor(nodeId)) {
            return; // a fanout brings every node's directed envelopes to all of them
        }
        long now = System.nanoTime();
        switch (e.kind()) {
            case USER -> {
                StreamPosition position = new StreamPosition(e.offset(), e.epoch());
                if (!offerLocally(e.tenant(), e.target(), position, e.payload(), now)) {
                    // Presence said the user was here but is not (it left meanwhile, or presence is stale): queue it
                    // unless the user is elsewhere, rather than drop it.
                    Set<String> without = withDead(nodeId);
                    if (REROUTED.equals(e.extra())) {
                        directory.queueUnlessLive(e.tenant(), e.target(), e.payload(), without).whenComplete((route, error) -> {
                            if (error != null || route instanceof Directory.Route.Live) {
                                metrics.dropped(DropReason.SESSION_CLOSED);
                            }
                        });
                    }
                    else {
                        reroute(e.tenant(), e.target(), position, e.payload(), now, without);
                    }
                }
            }
            case GROUP -> local.offer(StreamId.group(e.tenant(), e.target()), new StreamPosition(e.offset(), e.epoch()), e.payload(), now);
            case BROADCAST -> local.broadcast(e.tenant(), e.payload(), now);
            case JOIN -> joinLocally(e.tenant(), e.target(), e.extra());
            case LEAVE -> leaveLocally(e.tenant(), e.target(), e.extra());
            case KICK -> local.kick(e.tenant(), e.target());
            case SESSION -> local.toSession(e.tenant(), e.extra(), user -> e.payload(), now);
            case CLOSE_SESSION -> local.closeSession(e.tenant(), e.extra());
            case PRESENCE -> local.presence(e.tenant(), e.target(), e.payload());
        }
    }

    /**
     * Refreshes this node's liveness, writes its state again when it vanished or went stale, learns the dead nodes and
     * sweeps them. Runs on the cluster timer; tests call it to step time.
     */
    CompletionStage<Void> heartbeat() {
        boolean busUp = bus.isUp();
        if (busUp && busWasDown) {
            log.info("bus {} is back: reading what this node's streams got meanwhile from history", bus.name());
            sequencer.catchUp();
        }
        if (busUp && unsent.size() > 0) {
            unsent.publish(bus, e -> reroute(e.tenant(), e.target(), new StreamPosition(e.offset(), e.epoch()), e.payload(), System.nanoTime(),
                    withDead(e.to())));
        }
        busWasDown = !busUp;
        return directory.heartbeat().thenCompose(beat -> {
            boolean vanished = beat == Directory.Beat.VANISHED;
            if (beat == Directory.Beat.LAPSED) {
                // Other nodes counted this one dead for a while and may have queued its users' messages; its presence
                // stands (rewriting every node's presence after a long store outage only churns it), so hand those over.
                log.info("node {} was counted dead for a while (its liveness lapsed): delivering what was queued for its users", nodeId);
                drainsAfterRestore.set(DRAINS_AFTER_RESTORE);
            }
            if (!vanished && !directory.isStale() && !sessions.isStale()) {
                if (drainsAfterRestore.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return drainLocalUsers(hub.localState(Directory::member));
                }
                return CompletableFuture.completedFuture(null);
            }
            drainsAfterRestore.set(DRAINS_AFTER_RESTORE);
            Hub.LocalState state = hub.localState(Directory::member);
            log.info("node {} writes its presence again ({} users): {}", nodeId, state.sessionsPerUser().size(),
                    vanished ? "it was not registered (swept as dead, or a lost store)" : "a presence write had failed");
            java.util.Map<String, String[]> byId = new java.util.HashMap<>();
            hub.sessionsById().forEach((id, s) -> byId.put(id, new String[] {s.tenant(), s.user()}));
            return directory.restore(state.sessionsPerUser(), state.groups()).thenCompose(x -> sessions.restore(byId))
                    .thenCompose(x -> presence.restore(GroupPresence.tracked(state.groups(), presenceEvents)))
                    .thenAccept(transitions -> transitions.forEach(this::announce))
                    .thenCompose(x -> drainLocalUsers(state));
        }).thenCompose(x -> directory.deadNodes()).thenCompose(deadNow -> {
            dead = Set.copyOf(deadNow);
            return presence.sweepDeadNodes().thenAccept(leaves -> leaves.forEach(this::announce))
                    .thenCompose(x -> directory.sweepDeadNodes());
        }).whenComplete((x, error) -> {
            if (error != null) {
                log.debug("heartbeat failed: {}", error.toString());
            }
        });
    }

    /** Hands this node's users what was queued for them while their presence was missing. */
    private CompletionStage<Void> drainLocalUsers(Hub.LocalState state) {
        List<CompletableFuture<?>> drains = new ArrayList<>();
        state.sessionsPerUser().keySet().forEach(member -> {
            String[] tu = Directory.splitMember(member);
            drains.add(directory.drain(tu[0], tu[1]).thenAccept(frames -> {
                StreamId stream = StreamId.user(tu[0], tu[1]);
                long now = System.nanoTime();
                frames.stream().map(f -> java.util.Map.entry(f, ProtocolCodec.positionOf(f))).filter(e -> e.getValue() != null)
                        .sorted(Comparator.comparingLong(e -> e.getValue().offset()))
                        .forEach(e -> local.offer(stream, e.getValue(), e.getKey(), now));
                metrics.offlineDrained(frames.size());
            }).toCompletableFuture());
        });
        return CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new));
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
            log.warn("could not unregister node {} from the cluster state: {}", nodeId, e.toString());
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
