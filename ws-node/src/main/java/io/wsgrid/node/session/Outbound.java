package io.wsgrid.node.session;

import java.util.ArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.buffer.PooledByteBufAllocator;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;
import io.wsgrid.node.metrics.NodeMetrics.Kind;

import org.springframework.stereotype.Component;

/**
 * Writes frames to sessions without blocking and without a task per recipient. A fan-out posts one task per event loop
 * that has recipients; each task writes a {@link ByteBuf#retainedDuplicate()} of the one encoded frame to the
 * sessions of its loop and marks them for flushing. Flushes are coalesced: each loop flushes its written sessions once
 * after the tasks already queued on it ran, so a burst of messages costs one syscall per session, not one per message.
 *
 * <p>The channel's outbound buffer is the session's bounded queue: when it holds more than the configured bytes
 * (the channel's high water mark) or frames, the session is closed with 4008 and the frame is dropped. Other sessions
 * never wait for it.
 *
 * <p>Frames from one thread to one session are written in the order they were dispatched.
 */
@Component
public class Outbound {

    /** Loops are told apart by a bit in a {@code long}. Reactor Netty uses max(4, cores) loops. */
    private static final int MAX_LOOPS = 64;

    private final LoopWriter[] writers = new LoopWriter[MAX_LOOPS];
    private volatile int loopCount;
    private final NodeMetrics metrics;
    private final int maxFrames;

    public Outbound(NodeMetrics metrics, SessionProperties properties) {
        this.metrics = metrics;
        this.maxFrames = properties.outboundQueueFrames();
    }

    /** The index of {@code loop}, registering it on first sight. */
    synchronized int register(EventLoop loop) {
        for (int i = 0; i < loopCount; i++) {
            if (writers[i].loop == loop) {
                return i;
            }
        }
        if (loopCount == MAX_LOOPS) {
            throw new IllegalStateException("more than " + MAX_LOOPS + " event loops serve WebSocket sessions");
        }
        writers[loopCount] = new LoopWriter(loop);
        return loopCount++;
    }

    /**
     * Delivers {@code frame}, the message at {@code offset}/{@code epoch} of one user's stream, to that user's sessions.
     * Takes over the caller's reference to {@code frame}.
     */
    public int dispatchUser(Session[] sessions, ByteBuf frame, long offset, String epoch, long acceptedNanos) {
        return dispatch(new Session[][] {sessions}, frame, Kind.USER, null, offset, epoch, acceptedNanos);
    }

    /** Delivers {@code frame}, the message at {@code offset}/{@code epoch} of {@code group}'s stream, to its sessions. */
    public int dispatchGroup(Session[][] recipients, ByteBuf frame, String group, long offset, String epoch, long acceptedNanos) {
        return dispatch(recipients, frame, Kind.GROUP, group, offset, epoch, acceptedNanos);
    }

    /** Delivers a frame that belongs to no stream (a broadcast) to every session in {@code recipients}. */
    public int dispatchBroadcast(Session[][] recipients, ByteBuf frame, long acceptedNanos) {
        return dispatch(recipients, frame, Kind.BROADCAST, null, 0, null, acceptedNanos);
    }

    /**
     * Delivers {@code frame} to every session in {@code recipients} (arrays may be null or shared snapshots; they are
     * never modified). Takes over the caller's reference to {@code frame}. Returns the number of sessions targeted.
     * Stream messages ({@code offset > 0}) pass each session's {@link StreamCursors}: one it was already sent is skipped.
     */
    private int dispatch(Session[][] recipients, ByteBuf frame, Kind kind, String group, long offset, String epoch, long acceptedNanos) {
        long loops = loopMask(recipients);
        int count = 0;
        for (Session[] sessions : recipients) {
            count += sessions == null ? 0 : sessions.length;
        }
        boolean oneLoop = Long.bitCount(loops) == 1;
        try {
            while (loops != 0) {
                int index = Long.numberOfTrailingZeros(loops);
                loops &= loops - 1;
                LoopWriter writer = writers[index];
                FanOutTask task = new FanOutTask(writer, recipients, frame.retain(), oneLoop, count == 1, kind, group, offset, epoch,
                        acceptedNanos);
                // A stream message always queues behind the loop's pending tasks: one passed on earlier from another
                // thread may wait there, and writing this one first would make the session's cursor skip it.
                if (offset == 0 && writer.loop.inEventLoop()) {
                    task.run();
                }
                else {
                    writer.loop.execute(task);
                }
            }
        }
        finally {
            frame.release();
        }
        return count;
    }

    /** Sends a control frame (pong, joined, error...) to a session, from any thread. */
    public void reply(Session session, ServerMessage message) {
        ByteBuf frame = Frames.text(PooledByteBufAllocator.DEFAULT, ProtocolCodec.INSTANCE.encode(message));
        EventLoop loop = session.channel().eventLoop();
        if (loop.inEventLoop()) {
            writeOnLoop(session, frame);
        }
        else {
            loop.execute(() -> writeOnLoop(session, frame));
        }
    }

    /** Writes a frame to one session from its own event loop, flushing with the loop's next batch. */
    void writeOnLoop(Session session, ByteBuf frame) {
        offerOnLoop(session, new StreamCursors.Kept(frame, null, 0, null));
    }

    /** Writes a frame of a stream (or of none, offset 0) to a session, unless its cursor says it was sent already. */
    void offerOnLoop(Session session, StreamCursors.Kept kept) {
        if (!writers[session.loopIndex()].offer(session, kept)) {
            kept.frame().release();
        }
    }

    /** One bit per event loop that serves at least one of the sessions. */
    private static long loopMask(Session[][] snapshot) {
        long loops = 0;
        for (Session[] sessions : snapshot) {
            if (sessions != null) {
                for (Session s : sessions) {
                    loops |= 1L << s.loopIndex();
                }
            }
        }
        return loops;
    }

    /**
     * Writes {@code first} (queued offline messages, or a replay and its {@code resumed}), then the frames held since
     * the session opened, and from then on writes frames as they come; stream frames pass the session's cursors, so
     * a held live message that the replay already carried is skipped. Runs on the session's event loop.
     */
    void release(Session session, java.util.List<StreamCursors.Kept> first, Runnable beforeHeld) {
        session.holding = false;
        first.forEach(kept -> offerOnLoop(session, kept));
        beforeHeld.run();
        java.util.List<StreamCursors.Kept> held = session.held;
        session.held = null;
        if (held != null) {
            held.forEach(kept -> offerOnLoop(session, kept));
        }
    }

    /** Holds the session's frames from now until {@link #release}. Event loop only. */
    void hold(Session session) {
        session.holding = true;
    }

    /** Writes a frame now, ahead of any held ones (the {@code connected} frame). Event loop only. */
    void writeFirst(Session session, ByteBuf frame) {
        boolean holding = session.holding;
        session.holding = false;
        writeOnLoop(session, frame);
        session.holding = holding;
    }

    /** Something done to each session on its own event loop; {@code nanoTime} is read once per loop. */
    interface LoopAction {
        void apply(Session session, long nanoTime);
    }

    /** Runs {@code action} for every session of {@code snapshot} on the session's event loop, one task per loop. */
    void onEachLoop(Session[][] snapshot, LoopAction action) {
        long loops = loopMask(snapshot);
        while (loops != 0) {
            int index = Long.numberOfTrailingZeros(loops);
            loops &= loops - 1;
            writers[index].loop.execute(() -> {
                long now = System.nanoTime();
                for (Session[] sessions : snapshot) {
                    if (sessions != null) {
                        for (Session s : sessions) {
                            if (s.loopIndex() == index) {
                                action.apply(s, now);
                            }
                        }
                    }
                }
            });
        }
    }

    private final class FanOutTask implements Runnable {
        private final LoopWriter writer;
        private final Session[][] recipients;
        private final ByteBuf frame;
        /** Whether this task is the frame's only one: then no other core touches it, and it needs no copy. */
        private final boolean oneLoop;
        /** Whether one session gets the frame (most user sends): then it goes out itself, with no duplicate. */
        private final boolean oneRecipient;
        private final Kind kind;
        private final String group;
        private final long offset;
        private final String epoch;
        private final long acceptedNanos;

        FanOutTask(LoopWriter writer, Session[][] recipients, ByteBuf frame, boolean oneLoop, boolean oneRecipient, Kind kind, String group,
                long offset, String epoch,
                long acceptedNanos) {
            this.writer = writer;
            this.recipients = recipients;
            this.frame = frame;
            this.oneLoop = oneLoop;
            this.oneRecipient = oneRecipient;
            this.kind = kind;
            this.group = group;
            this.offset = offset;
            this.epoch = epoch;
            this.acceptedNanos = acceptedNanos;
        }

        @Override
        public void run() {
            int index = writer.index;
            int written = 0;
            // A copy per loop keeps the per-recipient reference counting on a buffer no other core touches.
            ByteBuf local = oneLoop ? frame : writer.localCopy(frame);
            try {
                for (Session[] sessions : recipients) {
                    if (sessions == null) {
                        continue;
                    }
                    for (Session s : sessions) {
                        if (s.loopIndex() != index || !writer.accepts(s)) {
                            continue;
                        }
                        if (s.holding) {
                            writer.hold(s, local, group, offset, epoch);
                            written++;
                            continue;
                        }
                        if (offset == 0) {
                            writer.write(s, outgoing(local));
                            written++;
                            continue;
                        }
                        switch (s.cursors.offer(group, offset, epoch)) {
                            case SEND -> {
                                writer.write(s, outgoing(local));
                                written++;
                            }
                            case WAIT -> s.cursors.keep(new StreamCursors.Kept(local.retainedDuplicate(), group, offset, epoch));
                            case SKIP -> metrics.dropped(DropReason.DUPLICATE);
                        }
                    }
                }
            }
            finally {
                local.release();
                if (local != frame) {
                    frame.release();
                }
            }
            if (written > 0) {
                metrics.delivered(kind, written);
                metrics.latency(System.nanoTime() - acceptedNanos);
            }
        }

        /** What one session's write takes: the frame itself when it is the only one, else a duplicate (own indexes). */
        private ByteBuf outgoing(ByteBuf local) {
            return oneRecipient ? local.retain() : local.retainedDuplicate();
        }
    }

    /** Per-loop write state; touched only on its loop. Runs as the loop's coalesced flush task. */
    private final class LoopWriter implements Runnable {
        final EventLoop loop;
        final int index;
        private final ArrayList<Session> dirty = new ArrayList<>();
        /** Set for Netty's own loops: flushes run once at the end of a loop iteration (see {@link #write}). */
        private final SingleThreadEventLoop afterIteration;
        private boolean flushScheduled;

        LoopWriter(EventLoop loop) {
            this.loop = loop;
            this.index = loopCount;
            this.afterIteration = loop instanceof SingleThreadEventLoop single ? single : null;
        }

        /** A copy of {@code frame} from this loop's allocator cache (the caller owns it). */
        ByteBuf localCopy(ByteBuf frame) {
            return PooledByteBufAllocator.DEFAULT.directBuffer(frame.readableBytes()).writeBytes(frame, frame.readerIndex(), frame.readableBytes());
        }

        /** Whether {@code s} can take one more frame; closes it as a slow consumer when its queue is full. */
        boolean accepts(Session s) {
            if (!s.isOpen()) {
                metrics.dropped(DropReason.SESSION_CLOSED);
                return false;
            }
            Channel ch = s.channel();
            if (!ch.isWritable() || s.pendingFrames() >= maxFrames) {
                metrics.dropped(DropReason.SLOW_CONSUMER);
                s.close(CloseCode.SLOW_CONSUMER, "outbound queue full");
                return false;
            }
            return true;
        }

        /** Writes, or holds while the session holds, a duplicate of {@code frame} (a fan-out's shared copy). */
        void hold(Session s, ByteBuf frame, String group, long offset, String epoch) {
            if (!offer(s, new StreamCursors.Kept(frame.retainedDuplicate(), group, offset, epoch))) {
                frame.release();
            }
        }

        /**
         * Takes a frame for {@code s}: held while the session holds, else checked against the session's cursors and
         * written, kept for a pending join, or skipped. Returns false when the session is gone (the caller releases).
         */
        boolean offer(Session s, StreamCursors.Kept kept) {
            if (!s.isOpen() || !s.channel().isActive()) {
                return false;
            }
            if (s.holding) {
                if (s.held == null) {
                    s.held = new ArrayList<>(4);
                }
                s.held.add(kept);
                return true;
            }
            if (kept.offset() > 0) {
                switch (s.cursors.offer(kept.group(), kept.offset(), kept.epoch())) {
                    case SKIP -> {
                        metrics.dropped(DropReason.DUPLICATE);
                        kept.frame().release();
                        return true;
                    }
                    case WAIT -> {
                        s.cursors.keep(kept);
                        return true;
                    }
                    case SEND -> {
                    }
                }
            }
            return write(s, kept.frame());
        }

        boolean write(Session s, ByteBuf frame) {
            if (!s.isOpen() || !s.channel().isActive()) {
                return false;
            }
            s.frameWriter().write(frame, s.channel().voidPromise());
            s.unflushed++;
            if (!s.dirty) {
                s.dirty = true;
                dirty.add(s);
            }
            if (!flushScheduled) {
                flushScheduled = true;
                // After the current loop iteration, every frame this iteration wrote (from reads, REST calls and
                // fan-out tasks alike) leaves in one writev per socket.
                if (afterIteration != null) {
                    afterIteration.executeAfterEventLoopIteration(this);
                }
                else {
                    loop.execute(this);
                }
            }
            return true;
        }

        @Override
        public void run() {
            flushScheduled = false;
            for (int i = 0, n = dirty.size(); i < n; i++) {
                Session s = dirty.get(i);
                s.dirty = false;
                s.unflushed = 0;
                s.frameWriter().flush();
            }
            dirty.clear();
        }
    }
}
