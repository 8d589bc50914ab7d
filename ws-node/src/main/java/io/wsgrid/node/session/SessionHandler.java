package io.wsgrid.node.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.metrics.NodeMetrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's inbound end of the channel pipeline, placed before Reactor Netty's bridge: data frames (already
 * reassembled) are rate limited, decoded and handed to the {@link CommandHandler}; pongs only refresh the idle timer;
 * ping and close frames continue to Reactor Netty, which answers them. Bad input gets an {@code error} frame and the
 * session lives on until it exhausts its budget. One instance per session, on the session's event loop.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    private final Session session;
    private final Sessions sessions;

    SessionHandler(Session session, Sessions sessions) {
        this.session = session;
        this.sessions = sessions;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.lastReadNanos = System.nanoTime();
        if (msg instanceof TextWebSocketFrame text && !ByteBufUtil.isText(text.content(), StandardCharsets.UTF_8)) {
            ReferenceCountUtil.release(msg);
            sessions.metrics().dropped(DropReason.BAD_FRAME);
            session.close(CloseCode.INVALID_DATA, "text frame is not valid UTF-8");
            return;
        }
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            try {
                onData(((ByteBufHolder) msg).content());
            }
            finally {
                ReferenceCountUtil.release(msg);
            }
        }
        else if (msg instanceof PongWebSocketFrame) {
            ReferenceCountUtil.release(msg);
        }
        else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onData(ByteBuf content) {
        if (!session.isOpen()) {
            return;
        }
        SessionProperties limits = sessions.properties();
        if (!session.rateLimit.tryConsume(1)) {
            sessions.metrics().dropped(DropReason.RATE_LIMITED);
            if (++session.refusedFrames >= limits.rateLimit().closeAfter()) {
                session.close(CloseCode.RATE_LIMITED, "rate limit exceeded");
            }
            else {
                sessions.outbound().reply(session, new ServerMessage.ErrorReply(ErrorCode.RATE_LIMITED,
                        "more than " + limits.rateLimit().messagesPerSecond() + " messages per second"));
            }
            return;
        }
        ServerMessage.ErrorReply error = switch (ProtocolCodec.INSTANCE.decodeClient(ByteBufUtil.getBytes(content))) {
            case DecodeResult.Ok<ClientMessage> ok -> sessions.commands().handle(session, ok.message());
            case DecodeResult.Invalid<ClientMessage> invalid -> new ServerMessage.ErrorReply(invalid.code(), invalid.detail());
        };
        if (error != null) {
            sessions.metrics().dropped(DropReason.BAD_FRAME);
            if (++session.badFrames >= limits.policy().maxBadFrames()) {
                session.close(CloseCode.POLICY_VIOLATION, "too many bad frames");
            }
            else {
                sessions.outbound().reply(session, error);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sessions.closed(session);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            session.close(CloseCode.TOO_BIG, "message exceeds the node's frame limit");
        }
        else if (cause instanceof CorruptedWebSocketFrameException) {
            // Netty's decoder already sent the matching close frame (1002 or 1009) and is closing the channel.
            session.markClosed();
        }
        else if (cause instanceof IOException) {
            log.debug("session {}: {}", session.id(), cause.toString());
        }
        else {
            log.warn("session {} failed, closing it with 1011", session.id(), cause);
            session.close(CloseCode.INTERNAL_ERROR, "internal error");
        }
    }
}
