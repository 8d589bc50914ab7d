package io.wsgrid.node.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;

import org.springframework.stereotype.Component;

/**
 * The stream side of sessions, for the delivery package: group joins that start a session at the group's top,
 * and the end of a resume, which writes a replay in offset order before any live message. Every method may be called
 * from any thread; the work runs on the session's event loop.
 */
@Component
public class SessionStreams {

    /**
     * What a resume found for one stream.
     *
     * @param group     the group, or null for the user stream
     * @param from      the position the client sent (null: it saw nothing of the stream)
     * @param entries   the held messages after {@code from} (frames with their position), in any order
     * @param top       the stream's top when history was read
     * @param recovered whether {@code entries} hold every message after {@code from}
     */
    public record Replay(String group, StreamPosition from, List<byte[]> entries, StreamPosition top, boolean recovered) {
    }

    private final Outbound outbound;

    public SessionStreams(Outbound outbound) {
        this.outbound = outbound;
    }

    /**
     * The session joined {@code group} in the hub and the group's top is being read: the group's live messages wait
     * until {@link #joined}. Called on the session's event loop (as client frames are), no message of the group can
     * reach the session in between; from elsewhere one may come first, and is sent.
     */
    public void joining(Session session, String group) {
        onLoop(session, () -> session.cursors.joining(group));
    }

    /** The join completed: tells the client ({@code joined} with the top) and sends what waited, past the top. */
    public void joined(Session session, String group, StreamPosition top) {
        onLoop(session, () -> {
            List<StreamCursors.Kept> waited = session.cursors.joined(group, top);
            outbound.writeOnLoop(session, frame(new ServerMessage.Joined(group, top)));
            waited.forEach(kept -> outbound.offerOnLoop(session, kept));
        });
    }

    /** A join of a group the session is in already: {@code joined} again, with what the session was sent of it. */
    public void alreadyJoined(Session session, String group) {
        onLoop(session, () -> outbound.writeOnLoop(session, frame(new ServerMessage.Joined(group, session.cursors.group(group)))));
    }

    /** The session left {@code group}: forget its cursor and tell the client. */
    public void left(Session session, String group) {
        onLoop(session, () -> {
            session.cursors.left(group);
            outbound.writeOnLoop(session, frame(new ServerMessage.Left(group)));
        });
    }

    /** Takes the session's resume: from now on a second {@code resume} frame is refused. Event loop only. */
    public boolean startResume(Session session) {
        if (!session.awaitingResume) {
            return false;
        }
        session.awaitingResume = false;
        session.resuming = true;
        return true;
    }

    /**
     * Ends a resume: for each stream, from the client's position, its replay merged with the user's queued messages
     * (each offset once, in order), then {@code resumed}, then the live messages held meanwhile, each only if past
     * what the replay sent.
     */
    public void resumed(Session session, List<Replay> replays, Map<String, Boolean> groups) {
        onLoop(session, () -> {
            if (!session.resuming) {
                return;
            }
            session.resuming = false;
            List<StreamCursors.Kept> first = new ArrayList<>();
            boolean userRecovered = true;
            for (Replay replay : replays) {
                List<byte[]> frames = new ArrayList<>(replay.entries());
                if (replay.group() == null && session.queuedAtOpen != null) {
                    frames.addAll(session.queuedAtOpen);
                    session.queuedAtOpen = null;
                }
                boolean sameEpoch = replay.from() != null && replay.top() != null && replay.from().epoch().equals(replay.top().epoch());
                session.cursors.set(replay.group(), sameEpoch ? replay.from() : null);
                List<StreamCursors.Kept> sorted = frames.stream().map(f -> kept(replay.group(), f))
                        .sorted(Comparator.comparingLong(StreamCursors.Kept::offset)).toList();
                first.addAll(sorted);
                if (replay.group() == null) {
                    // The offline queue may hold what history no longer does (it is kept longer): count both.
                    userRecovered = replay.recovered() || sameEpoch && covers(sorted, replay.from(), replay.top());
                }
            }
            first.add(new StreamCursors.Kept(frame(new ServerMessage.Resumed(userRecovered, groups)), null, 0, null));
            outbound.release(session, first, () -> {
                // Only a replay in the client's epoch covers everything up to the top it read; otherwise what was held
                // since the session opened (or joined) may be newer than anything replayed, and must go out.
                for (Replay replay : replays) {
                    if (replay.from() != null && replay.top() != null && replay.from().epoch().equals(replay.top().epoch())) {
                        session.cursors.advance(replay.group(), replay.top());
                    }
                }
                session.cursors.advance(null, session.topAtOpen);
            });
        });
    }

    /** Whether {@code sorted} holds every offset after {@code from} up to {@code top}, in {@code top}'s epoch. */
    private static boolean covers(List<StreamCursors.Kept> sorted, StreamPosition from, StreamPosition top) {
        long next = from.offset() + 1;
        for (StreamCursors.Kept kept : sorted) {
            if (top.epoch().equals(kept.epoch()) && kept.offset() == next) {
                next++;
            }
        }
        return next > top.offset();
    }

    /** A queued or replayed frame with the position read from its tail. */
    static StreamCursors.Kept kept(String group, byte[] frame) {
        StreamPosition position = ProtocolCodec.positionOf(frame);
        return new StreamCursors.Kept(Frames.text(PooledByteBufAllocator.DEFAULT, frame), group,
                position == null ? 0 : position.offset(), position == null ? null : position.epoch());
    }

    private static io.netty.buffer.ByteBuf frame(ServerMessage message) {
        return Frames.text(PooledByteBufAllocator.DEFAULT, ProtocolCodec.INSTANCE.encode(message));
    }

    private static void onLoop(Session session, Runnable action) {
        if (session.channel().eventLoop().inEventLoop()) {
            action.run();
        }
        else {
            session.channel().eventLoop().execute(action);
        }
    }
}
