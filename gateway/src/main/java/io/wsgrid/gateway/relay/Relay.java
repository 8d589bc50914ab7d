package io.wsgrid.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.wsgrid.common.protocol.CloseCode;

/**
 * The byte relay of an upgraded session: bytes are passed on as they come, flushed once per read batch, and each side
 * stops reading while the other cannot take more (backpressure). Frames are not decoded, re-masked or copied; only the
 * server-to-client direction is followed for frame boundaries, so that when the backend dies or is drained the client
 * gets a 1012 close frame (reconnect now) instead of a bare reset. Both channels share one event loop.
 */
final class Relay {

    private Relay() {
    }

    /** Closes {@code c} with 1012 at the next frame boundary (drain, shutdown); callable from any thread. */
    static void requestClose(ClientConnection c) {
        Channel backend = c.backendChannel;
        if (backend == null) {
            c.client.close();
            return;
        }
        backend.eventLoop().execute(() -> {
            c.closeRequested = true;
            Backward relay = (Backward) backend.pipeline().get("relay");
            if (relay != null) {
                relay.closeIfAtBoundary();
            }
            else {
                c.client.close();
            }
        });
    }

    /** Client to backend. */
    static final class Forward extends ChannelInboundHandlerAdapter {
        private final ClientConnection c;
        private final EntryHandler.Shared shared;

        Forward(ClientConnection c, EntryHandler.Shared shared) {
            this.c = c;
            this.shared = shared;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel backend = c.backendChannel;
            if (!(msg instanceof ByteBuf buf) || !backend.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            int n = buf.readableBytes();
            c.bytesIn.add(n);
            c.lastActivityNanos = System.nanoTime();
            shared.metrics().bytesToBackends.add(n);
            backend.write(buf, backend.voidPromise());
            if (!backend.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            c.backendChannel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                c.backendChannel.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (c.endedBy == null) {
                c.endedBy = "client";
            }
            shared.clients().remove(c);
            shared.clients().release();
            shared.backends().closed(c.backend);
            c.backendChannel.close();
            AccessLog.session(c);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Backend to client, following frame boundaries. */
    static final class Backward extends ChannelInboundHandlerAdapter {
        private final ClientConnection c;
        private final EntryHandler.Shared shared;
        private final WsFrames frames = new WsFrames();

        Backward(ClientConnection c, EntryHandler.Shared shared) {
            this.c = c;
            this.shared = shared;
        }

        /** Sends bytes read from the backend on to the client (without flushing). */
        void forward(ByteBuf buf) {
            int n = buf.readableBytes();
            if (n == 0) {
                buf.release();
                return;
            }
            frames.scan(buf);
            if (c.closeCode == 0 && frames.sawClose()) {
                c.closeCode = frames.closeCode();
            }
            c.bytesOut.add(n);
            c.lastActivityNanos = System.nanoTime();
            shared.metrics().bytesToClients.add(n);
            c.client.write(buf, c.client.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf) || !c.client.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            forward(buf);
            if (!c.client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            c.client.flush();
            if (c.closeRequested) {
                closeIfAtBoundary();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                c.client.config().setAutoRead(true);
            }
        }

        /** Injects the 1012 close now if no frame is half-sent; otherwise the next read batch checks again. */
        void closeIfAtBoundary() {
            if (frames.atBoundary()) {
                if (c.endedBy == null) {
                    c.endedBy = "gateway";
                }
                closeClient(CloseCode.SERVICE_RESTART.code(), "service restart");
            }
        }

        private void closeClient(int code, String reason) {
            c.backendChannel.close();
            if (!c.client.isActive()) {
                return;
            }
            if (!frames.sawClose() && frames.atBoundary()) {
                c.closeCode = code;
                c.client.writeAndFlush(WsFrames.close(c.client.alloc(), code, reason)).addListener(ChannelFutureListener.CLOSE);
            }
            else {
                c.client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (c.endedBy == null) {
                c.endedBy = "backend";
            }
            // The backend went away: unless it said goodbye itself, tell the client to reconnect now.
            closeClient(CloseCode.SERVICE_RESTART.code(), "backend gone");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
