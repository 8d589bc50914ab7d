package io.wsgrid.node.session;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.node.auth.GroupClaims;

/**
 * One WebSocket connection of one user. Identity fields are immutable. Outbound state ({@link #unflushed},
 * {@link #dirty}) and inbound state are confined to the channel's event loop; {@link #groups} is guarded by the hub
 * shard lock of the session's (tenant, user); {@link #isOpen()} may be read anywhere.
 */
public final class Session {

    /** How long a closing session may take to flush its close frame before the socket is cut. */
    static final long CLOSE_GRACE_MILLIS = 3_000;

    private static final AtomicIntegerFieldUpdater<Session> STATE = AtomicIntegerFieldUpdater.newUpdater(Session.class, "state");
    private static final int OPEN = 0;
    private static final int CLOSING = 1;

    private final String id;
    private final String tenant;
    private final String user;
    private final Channel channel;
    private final int loopIndex;
    private final long connectedAtMillis;
    private final String remoteAddress;

    private final Set<String> groups = new HashSet<>(4);

    /**
     * Where pre-encoded frames enter the pipeline: the WebSocket encoder's context, so writes skip the handlers toward
     * the tail (which only pass raw buffers on) but still pass anything nearer the socket, such as TLS.
     */
    private volatile ChannelOutboundInvoker frameWriter;

    /** What the session's token grants; replaced on refresh. */
    private volatile GroupClaims groupClaims = GroupClaims.NONE;
    /** When the session's token expires (epoch ms, clock skew included); {@link Long#MAX_VALUE} for never. */
    private volatile long expiresAtMillis = Long.MAX_VALUE;

    private volatile int state = OPEN;
    /** Set once the cluster counted the session in its presence, so only those sessions are uncounted at close. */
    private volatile boolean registered;
    private final java.util.concurrent.atomic.AtomicBoolean uncounted = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile int closeCode;

    // event-loop confined
    int unflushed;
    boolean dirty;
    long lastReadNanos;
    long lastPingNanos;
    /**
     * While true, frames for this session are kept in {@link #held}: until its queued offline messages (or, when it
     * resumes, its replay) went out first.
     */
    boolean holding = true;
    java.util.ArrayList<StreamCursors.Kept> held;
    /** What the session was sent of each of its streams. */
    final StreamCursors cursors = new StreamCursors();
    /** Opened with {@code resume=1} and its {@code resume} frame not handled yet. */
    boolean awaitingResume;
    /** Its {@code resume} frame is being handled (history is being read). */
    boolean resuming;
    /** The user's queued messages taken at open, kept for the resume to merge with its replay. */
    java.util.List<byte[]> queuedAtOpen;
    /** The user stream's top when the session opened. */
    io.wsgrid.common.protocol.StreamPosition topAtOpen;
    io.github.bucket4j.Bucket rateLimit;
    int refusedFrames;
    int badFrames;

    Session(String id, String tenant, String user, Channel channel, int loopIndex, long connectedAtMillis, String remoteAddress) {
        this.id = id;
        this.tenant = tenant;
        this.user = user;
        this.channel = channel;
        this.loopIndex = loopIndex;
        this.connectedAtMillis = connectedAtMillis;
        this.remoteAddress = remoteAddress;
        this.lastReadNanos = System.nanoTime();
        this.lastPingNanos = lastReadNanos;
    }

    public String id() {
        return id;
    }

    public String tenant() {
        return tenant;
    }

    public String user() {
        return user;
    }

    public Channel channel() {
        return channel;
    }

    /** Writes and flushes of pre-encoded frames go here; see {@link #frameWriter}. */
    ChannelOutboundInvoker frameWriter() {
        ChannelOutboundInvoker writer = frameWriter;
        if (writer == null) {
            ChannelHandlerContext encoder = channel.pipeline().context("wsencoder");
            writer = encoder != null ? encoder : channel;
            frameWriter = writer;
        }
        return writer;
    }

    /** Index of the session's event loop in {@link Outbound}; sessions of one loop are written by one task. */
    public int loopIndex() {
        return loopIndex;
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    /** The groups this session joined. Callers must hold the hub shard lock of this session's user. */
    public Set<String> groups() {
        return groups;
    }

    /** Marks the session as counted in the cluster's presence. */
    public void markRegistered() {
        registered = true;
    }

    /** Whether the cluster counted the session in its presence. */
    public boolean isRegistered() {
        return registered;
    }

    /**
     * Claims the one removal of the session from the cluster's presence; true for the first caller only. Both the
     * close and a connect that completes after the close try it: whichever finds the session counted and closed
     * removes it, never both.
     */
    public boolean claimUncount() {
        return uncounted.compareAndSet(false, true);
    }

    /** The groups the session's current token grants. */
    public GroupClaims groupClaims() {
        return groupClaims;
    }

    /** When the session's token stops being valid, epoch ms; {@link Long#MAX_VALUE} when it never does (auth off). */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /**
     * Sets what the session's token grants and until when: at open, and again when the client refreshes its token.
     * {@link Heartbeats} closes the session with 4001 once {@code expiresAtMillis} has passed.
     */
    public void authorize(GroupClaims groups, long expiresAtMillis) {
        this.groupClaims = groups;
        this.expiresAtMillis = expiresAtMillis;
    }

    public boolean isOpen() {
        return state == OPEN;
    }

    /** The close code this node sent, or 0 while open or when the peer closed first. */
    public int closeCode() {
        return closeCode;
    }

    /** Frames queued on the channel and not yet written to the socket. Event loop only. */
    int pendingFrames() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return unflushed + (buffer == null ? 0 : buffer.size());
    }

    /**
     * Closes the session with {@code code}: queued frames are still flushed, then the close frame, then the socket is
     * closed; a peer that does not read is cut after {@link #CLOSE_GRACE_MILLIS}. Idempotent and callable from any
     * thread; only the first call's code is sent.
     */
    public boolean close(CloseCode code, String reason) {
        if (!STATE.compareAndSet(this, OPEN, CLOSING)) {
            return false;
        }
        closeCode = code.code();
        if (channel.eventLoop().inEventLoop()) {
            sendClose(code, reason);
        }
        else {
            channel.eventLoop().execute(() -> sendClose(code, reason));
        }
        return true;
    }

    /** Marks the session closed because the peer went away, so no more frames are queued for it. */
    void markClosed() {
        state = CLOSING;
    }

    private void sendClose(CloseCode code, String reason) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code.code(), reason)).addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "Session[" + id + " " + tenant + "/" + user + "]";
    }
}
