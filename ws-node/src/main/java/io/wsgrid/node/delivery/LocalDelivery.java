package io.wsgrid.node.delivery;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics.Kind;
import io.wsgrid.node.session.Frames;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;

import org.springframework.stereotype.Component;

/**
 * What every router does with this node's own sessions: write an encoded message to a user's, a group's or the
 * tenant's sessions, change a user's group membership (telling each session with a {@code joined}/{@code left} frame),
 * and kick. Non-blocking; callable from any thread.
 */
@Component
public class LocalDelivery {

    private final Hub hub;
    private final Outbound outbound;

    public LocalDelivery(Hub hub, Outbound outbound) {
        this.hub = hub;
        this.outbound = outbound;
    }

    /** Writes to the given sessions of one user; false when there are none. */
    public boolean toSessions(Session[] sessions, byte[] message, long acceptedNanos) {
        if (sessions.length == 0) {
            return false;
        }
        outbound.dispatch(sessions, Frames.text(PooledByteBufAllocator.DEFAULT, message), Kind.USER, acceptedNanos);
        return true;
    }

    /** Writes to the user's sessions on this node; false when it has none here. */
    public boolean toUser(String tenant, String user, byte[] message, long acceptedNanos) {
        return toSessions(hub.userSessions(tenant, user), message, acceptedNanos);
    }

    public void toGroup(String tenant, String group, byte[] message, long acceptedNanos) {
        outbound.dispatch(hub.groupSessions(tenant, group), Frames.text(PooledByteBufAllocator.DEFAULT, message), Kind.GROUP, acceptedNanos);
    }

    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        outbound.dispatch(hub.tenantSessions(tenant), Frames.text(PooledByteBufAllocator.DEFAULT, message), Kind.BROADCAST, acceptedNanos);
    }

    /** Joins the user's sessions here to the group and tells them; returns the sessions that newly joined. */
    public Session[] joinUser(String tenant, String user, String group) {
        Session[] joined = hub.joinUser(tenant, user, group);
        for (Session s : joined) {
            outbound.reply(s, new ServerMessage.Joined(group, null));
        }
        return joined;
    }

    /** Removes the user's sessions here from the group and tells them; returns the sessions that left. */
    public Session[] leaveUser(String tenant, String user, String group) {
        Session[] left = hub.leaveUser(tenant, user, group);
        for (Session s : left) {
            outbound.reply(s, new ServerMessage.Left(group));
        }
        return left;
    }

    /** Closes the user's sessions here with 4500; returns how many were open. */
    public int kick(String tenant, String user) {
        int closed = 0;
        for (Session s : hub.userSessions(tenant, user)) {
            closed += s.close(CloseCode.KICKED, "kicked") ? 1 : 0;
        }
        return closed;
    }
}
