package io.wsgrid.node.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics.Kind;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.session.Frames;
import io.wsgrid.node.session.Outbound;
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
    private final Outbound outbound;
    private final InMemoryOfflineStore offline;
    private final String nodeId;

    LocalRouter(Hub hub, Outbound outbound, InMemoryOfflineStore offline, NodeProperties node) {
        this.hub = hub;
        this.outbound = outbound;
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
        if (sessions.length > 0) {
            outbound.dispatch(sessions, Frames.text(PooledByteBufAllocator.DEFAULT, message), Kind.USER, acceptedNanos);
        }
        return CompletableFuture.completedFuture(sessions.length == 0);
    }

    @Override
    public void toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        outbound.dispatch(hub.groupSessions(tenant, group), Frames.text(PooledByteBufAllocator.DEFAULT, message), Kind.GROUP, acceptedNanos);
    }

    @Override
    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        outbound.dispatch(hub.tenantSessions(tenant), Frames.text(PooledByteBufAllocator.DEFAULT, message), Kind.BROADCAST, acceptedNanos);
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
        for (Session s : hub.joinUser(tenant, user, group)) {
            outbound.reply(s, new ServerMessage.Joined(group));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> leaveUser(String tenant, String user, String group) {
        for (Session s : hub.leaveUser(tenant, user, group)) {
            outbound.reply(s, new ServerMessage.Left(group));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Integer> kick(String tenant, String user) {
        int closed = 0;
        for (Session s : hub.userSessions(tenant, user)) {
            closed += s.close(CloseCode.KICKED, "kicked") ? 1 : 0;
        }
        return CompletableFuture.completedFuture(closed);
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
