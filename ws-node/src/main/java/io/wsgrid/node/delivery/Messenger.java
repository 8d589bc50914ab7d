package io.wsgrid.node.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.Kind;
import io.wsgrid.node.offline.OfflineStore;
import io.wsgrid.node.session.Frames;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;

import org.springframework.stereotype.Component;

/**
 * Accepts messages from REST callers and clients, gives each a time-ordered id and timestamp, encodes it once and
 * hands it to the sessions it is addressed to, or to the offline queue when a user has none. Never blocks; callable
 * from any thread.
 */
@Component
public class Messenger {

    /** The outcome of a user-directed send. */
    public record Sent(String id, boolean queued) {
    }

    private final Hub hub;
    private final Outbound outbound;
    private final OfflineStore offline;
    private final NodeMetrics metrics;
    private final ProtocolCodec codec = ProtocolCodec.INSTANCE;

    public Messenger(Hub hub, Outbound outbound, OfflineStore offline, NodeMetrics metrics) {
        this.hub = hub;
        this.outbound = outbound;
        this.offline = offline;
        this.metrics = metrics;
    }

    /** Sends to every session of {@code user}; queues the message when the user has none. */
    public Sent toUser(String tenant, String user, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        byte[] json = encode(id, from, new Target.User(user), data);
        metrics.accepted(Kind.USER);
        Session[] sessions = hub.withUser(tenant, user, live -> {
            if (live.length == 0) {
                offline.enqueue(tenant, user, json);
            }
            return live;
        });
        if (sessions.length == 0) {
            return new Sent(id, true);
        }
        outbound.dispatch(sessions, frame(json), Kind.USER, accepted);
        return new Sent(id, false);
    }

    /** Sends to every session in {@code group}; not queued for anyone. Returns the message id. */
    public String toGroup(String tenant, String group, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.GROUP);
        outbound.dispatch(hub.groupSessions(tenant, group), frame(encode(id, from, new Target.Group(group), data)), Kind.GROUP, accepted);
        return id;
    }

    /** Sends to every session of the tenant; not queued for anyone. Returns the message id. */
    public String broadcast(String tenant, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.BROADCAST);
        outbound.dispatch(hub.tenantSessions(tenant), frame(encode(id, from, Target.Broadcast.INSTANCE, data)), Kind.BROADCAST, accepted);
        return id;
    }

    private byte[] encode(String id, String from, Target target, RawJson data) {
        return codec.encode(new ServerMessage.Delivery(id, from, target, data, System.currentTimeMillis()));
    }

    private static ByteBuf frame(byte[] json) {
        return Frames.text(PooledByteBufAllocator.DEFAULT, json);
    }
}
