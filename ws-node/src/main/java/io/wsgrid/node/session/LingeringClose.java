package io.wsgrid.node.session;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;

/**
 * Closes a session's socket the way RFC 6455 (section 7.1.1) asks a server to: after the close frame it half-closes
 * its output and keeps reading, discarding, until the input has been quiet for a moment (the client closes TCP only
 * after the server, as the RFC expects) or a grace period ends. Closing at once while
 * the client is still sending (an oversized frame, a burst) would leave unread bytes in the socket, and the kernel then
 * answers with a reset that can destroy the close frame before the client reads it: the client would see 1006
 * instead of 1009, 4008 or 1001. One instance per session, first in its pipeline.
 */
final class LingeringClose extends ChannelDuplexHandler {

    static final long GRACE_MILLIS = 2_000;
    static final long QUIET_MILLIS = 50;

    private boolean lingering;
    private boolean readSinceCheck;
    private long deadlineNanos;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering || !ctx.channel().isActive() || !(ctx.channel() instanceof DuplexChannel channel) || channel.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        // Whatever was flushed (the close frame) is in the kernel already; the FIN follows it.
        channel.shutdownOutput();
        channel.config().setAutoRead(true);
        channel.closeFuture().addListener(f -> promise.trySuccess());
        deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        readSinceCheck = false;
        ctx.executor().schedule(() -> closeWhenQuiet(ctx), QUIET_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Closes once a quiet period passed with nothing read (nothing unread is left to cause a reset), or at the deadline. */
    private void closeWhenQuiet(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        if (!readSinceCheck || System.nanoTime() >= deadlineNanos) {
            ctx.close(ctx.newPromise());
            return;
        }
        readSinceCheck = false;
        ctx.executor().schedule(() -> closeWhenQuiet(ctx), QUIET_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            readSinceCheck = true;
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
