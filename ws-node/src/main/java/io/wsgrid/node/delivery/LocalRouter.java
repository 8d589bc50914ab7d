package io.wsgrid.node.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.session.Session;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The standalone node's router: the hub is the whole cluster and the offline queue lives in memory. Whether a user
 * message is delivered or queued is decided under the hub shard lock that also registers sessions.
 */
@Component
@ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "memory", matchIfMissing = true)
class LocalRouter implements Router {

    private final Hub hub;
    private final LocalDelivery local;
    private final InMemoryOfflineStore offline;
    private final String nodeId;

    LocalRouter(Hub hub, LocalDelivery local, InMemoryOfflineStore offline, NodeProperties node) {
        this.hub = hub;
        this.local = local;
        this.offline = offline;
        this.nodeId = node.id();
    }

    @Override
    public CompletionStage<Boolean> toUser(String tenant, String user, byte[] message, long acceptedNanos) {
        Session[] sessions = hub.withUser(tenant, user, live -> {
            if (live.length == 0) {
                offline.enqueue(tenant, user, message);
            }
            return live;
        });
        return CompletableFuture.completedFuture(!local.toSessions(sessions, message, acceptedNanos));
    }

    @Override
    public void toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        local.toGroup(tenant, group, message, acceptedNanos);
    }

    @Override
    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        local.broadcast(tenant, message, acceptedNanos);
    }

    @Override
    public CompletionStage<List<byte[]>> opened(Session session) {
        // The session is already in the hub: a send that found no session queued before this drain.
        return CompletableFuture.completedFuture(offline.drain(session.tenant(), session.user()));
    }

    @Override
    public void closed(Session session) {
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
        Hub.GroupView local = hub.group(tenant, group);
        return CompletableFuture.completedFuture(new GroupView(group, local.users(), local.sessions()));
    }
}
