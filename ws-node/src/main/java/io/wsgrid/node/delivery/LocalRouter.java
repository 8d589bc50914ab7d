package io.wsgrid.node.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.InMemoryHistory;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.session.Session;

/**
 * The standalone node's router: the hub is the whole cluster, and history and the offline queue live in memory.
 * Appending a user message and deciding between delivering and queueing it happen under the hub shard lock that also
 * registers that user's sessions and reads their stream's top, so a send racing a connect is delivered exactly once.
 */
final class LocalRouter implements Router {

    private final Hub hub;
    private final LocalDelivery local;
    private final InMemoryHistory history;
    private final InMemoryOfflineStore offline;
    private final String nodeId;

    LocalRouter(Hub hub, LocalDelivery local, InMemoryHistory history, InMemoryOfflineStore offline, String nodeId) {
        this.hub = hub;
        this.local = local;
        this.history = history;
        this.offline = offline;
        this.nodeId = nodeId;
    }

    @Override
    public CompletionStage<UserSent> toUser(String tenant, String user, byte[] message, long acceptedNanos) {
        StreamId stream = StreamId.user(tenant, user);
        return CompletableFuture.completedFuture(hub.withUser(tenant, user, live -> {
            History.Appended appended = history.appendThen(stream, message, a -> { });
            if (live.length == 0) {
                offline.enqueue(tenant, user, appended.frame());
                return new UserSent(appended.position(), true);
            }
            local.offer(stream, appended.position(), appended.frame(), acceptedNanos);
            return new UserSent(appended.position(), false);
        }));
    }

    @Override
    public CompletionStage<StreamPosition> toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        StreamId stream = StreamId.group(tenant, group);
        History.Appended appended = history.appendThen(stream, message, a -> local.offer(stream, a.position(), a.frame(), acceptedNanos));
        return CompletableFuture.completedFuture(appended.position());
    }

    @Override
    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        local.broadcast(tenant, message, acceptedNanos);
    }

    @Override
    public CompletionStage<Opened> opened(Session session) {
        StreamId stream = StreamId.user(session.tenant(), session.user());
        return CompletableFuture.completedFuture(hub.register(session, () -> {
            StreamPosition top = history.top(stream).toCompletableFuture().join();
            local.follow(stream, top);
            return new Opened(top, offline.drain(session.tenant(), session.user()));
        }));
    }

    @Override
    public void closed(Session session) {
        hub.unregister(session);
        local.closed(session);
    }

    @Override
    public void joined(Session session, String group) {
    }

    @Override
    public void left(Session session, String group) {
    }

    @Override
    public CompletionStage<Void> joinUser(String tenant, String user, String group) {
        local.joinUser(tenant, user, group);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> leaveUser(String tenant, String user, String group) {
        local.leaveUser(tenant, user, group);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Integer> kick(String tenant, String user) {
        return CompletableFuture.completedFuture(local.kick(tenant, user));
    }

    @Override
    public CompletionStage<UserView> user(String tenant, String user) {
        int count = hub.userSessions(tenant, user).length;
        return CompletableFuture.completedFuture(new UserView(user, count > 0, count, count > 0 ? List.of(nodeId) : List.of()));
    }

    @Override
    public CompletionStage<GroupView> group(String tenant, String group) {
        Hub.GroupView view = hub.group(tenant, group);
        return CompletableFuture.completedFuture(new GroupView(group, view.users(), view.sessions()));
    }
}
