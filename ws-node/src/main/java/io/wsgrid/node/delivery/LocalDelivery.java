package io.wsgrid.node.delivery;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.session.Frames;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.SessionStreams;

/**
 * What every router does with this node's own sessions: write a stream message (in the order the {@link Sequencer}
 * puts it) to a user's or a group's sessions, write a broadcast to the tenant's sessions, join sessions to groups at
 * the group stream's top, and kick. Non-blocking; callable from any thread.
 */
public final class LocalDelivery implements Sequencer.Sink {

    private final Hub hub;
    private final Outbound outbound;
    private final SessionStreams streams;
    private final History history;
    private final Sequencer sequencer;

    public LocalDelivery(Hub hub, Outbound outbound, SessionStreams streams, History history, Sequencer sequencer) {
        this.hub = hub;
        this.outbound = outbound;
        this.streams = streams;
        this.history = history;
        this.sequencer = sequencer;
        sequencer.sink(this);
    }

    /** Writes an ordered stream message to this node's sessions of the stream. */
    @Override
    public void deliver(StreamId stream, long offset, String epoch, byte[] frame, long acceptedNanos) {
        switch (stream.kind()) {
            case USER -> {
                Session[] sessions = hub.userSessions(stream.tenant(), stream.name());
                if (sessions.length > 0) {
                    outbound.dispatchUser(sessions, Frames.text(PooledByteBufAllocator.DEFAULT, frame), offset, epoch, acceptedNanos);
                }
            }
            case GROUP -> outbound.dispatchGroup(hub.groupSessions(stream.tenant(), stream.name()),
                    Frames.text(PooledByteBufAllocator.DEFAULT, frame), stream.name(), offset, epoch, acceptedNanos);
        }
    }

    @Override
    public boolean follows(StreamId stream) {
        return switch (stream.kind()) {
            case USER -> hasUser(stream.tenant(), stream.name());
            case GROUP -> hub.hasGroup(stream.tenant(), stream.name());
        };
    }

    /**
     * Offers a stream message to the sequencer, which passes it on in offset order. Group messages reach every node;
     * one with no session in the group is not sequenced at all (no state, no history reads for gaps nobody here sees).
     */
    public void offer(StreamId stream, StreamPosition position, byte[] frame, long acceptedNanos) {
        if (stream.kind() == StreamId.Kind.GROUP && !hub.hasGroup(stream.tenant(), stream.name())) {
            sequencer.forget(stream);
            return;
        }
        sequencer.offer(stream, position.offset(), position.epoch(), frame, acceptedNanos);
    }

    /** A session of this node follows the stream from {@code top} on (see {@link Sequencer#follow}). */
    public void follow(StreamId stream, StreamPosition top) {
        sequencer.follow(stream, top);
    }

    /** A session of the user closed: when it was the user's last one here, its stream is forgotten. */
    public void closed(Session session) {
        sequencer.forget(StreamId.user(session.tenant(), session.user()));
    }

    /** Whether the user has a session on this node. */
    public boolean hasUser(String tenant, String user) {
        return hub.userSessions(tenant, user).length > 0;
    }

    public void broadcast(String tenant, byte[] message, long acceptedNanos) {
        outbound.dispatchBroadcast(hub.tenantSessions(tenant), Frames.text(PooledByteBufAllocator.DEFAULT, message), acceptedNanos);
    }

    /**
     * Completes the join of a session that the hub just added to {@code group}: its group messages wait while the
     * group's top is read, then it gets {@code joined} with that top and every message past it.
     */
    public void join(Session session, String group) {
        streams.joining(session, group);
        StreamId stream = StreamId.group(session.tenant(), group);
        history.top(stream).whenComplete((top, error) -> {
            if (top != null) {
                sequencer.follow(stream, top);
            }
            // Without a top (history unreachable) the session still joins; it gets every message from now on.
            streams.joined(session, group, top);
        });
    }

    /** Joins the user's sessions here to the group and tells them; returns the sessions that newly joined. */
    public Session[] joinUser(String tenant, String user, String group) {
        Session[] joined = hub.joinUser(tenant, user, group);
        for (Session s : joined) {
            join(s, group);
        }
        return joined;
    }

    /** Removes the user's sessions here from the group and tells them; returns the sessions that left. */
    public Session[] leaveUser(String tenant, String user, String group) {
        Session[] left = hub.leaveUser(tenant, user, group);
        for (Session s : left) {
            streams.left(s, group);
        }
        return left;
    }

    /**
     * Joins a session that just opened to its user's durable groups, each at the group's top like a {@code join}
     * frame; returns the groups it newly joined.
     */
    public java.util.List<String> joinDurable(Session session, java.util.Collection<String> groups) {
        java.util.List<String> joined = new java.util.ArrayList<>(groups.size());
        for (String group : groups) {
            if (hub.join(session, group) == Hub.JoinResult.JOINED) {
                join(session, group);
                joined.add(group);
            }
        }
        return joined;
    }

    /**
     * Writes a live frame (no stream position) to this node's session with that id, encoded from its user, if it is
     * here and of the tenant; returns whether it was.
     */
    public boolean toSession(String tenant, String id, java.util.function.Function<String, byte[]> encode, long acceptedNanos) {
        Session s = hub.session(id);
        if (s == null || !s.tenant().equals(tenant) || !s.isOpen()) {
            return false;
        }
        outbound.dispatchUser(new Session[] {s}, Frames.text(PooledByteBufAllocator.DEFAULT, encode.apply(s.user())), 0, null, acceptedNanos);
        return true;
    }

    /** Closes this node's session with that id with 4500, if it is here and of the tenant; returns whether it was. */
    public boolean closeSession(String tenant, String id) {
        Session s = hub.session(id);
        return s != null && s.tenant().equals(tenant) && s.close(CloseCode.KICKED, "kicked");
    }

    /**
     * Writes a {@code presence} frame of {@code group} (not a stream message: no offset, not replayable) to this node's
     * sessions in the group.
     */
    public void presence(String tenant, String group, byte[] frame) {
        outbound.dispatchGroup(hub.groupSessions(tenant, group), Frames.text(PooledByteBufAllocator.DEFAULT, frame), group, 0, null,
                System.nanoTime());
    }

    /** Encodes a presence event of {@code user} in {@code group}. */
    public static byte[] presenceFrame(String group, String user, boolean join) {
        return io.wsgrid.common.protocol.ProtocolCodec.INSTANCE.encode(new io.wsgrid.common.protocol.ServerMessage.Presence(group, user,
                join ? io.wsgrid.common.protocol.ServerMessage.PresenceEvent.JOIN : io.wsgrid.common.protocol.ServerMessage.PresenceEvent.LEAVE));
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
