package io.wsgrid.node.session;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;

/**
 * The client end of a {@link LocalSessions} session, behind a WebSocket frame decoder: decodes every text frame the node
 * writes with the protocol codec, and records the close code the node sends. Like the integration tests' {@code WsClient}, but with short waits: nothing
 * here crosses a real socket.
 */
public final class TestClient extends ChannelInboundHandlerAdapter {

    private static final long WAIT_MILLIS = 2_000;

    private final BlockingQueue<ServerMessage> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile Session session;
    private volatile Channel channel;
    private volatile Consumer<ClientMessage> commands;

    void attach(Session session, Channel channel, Consumer<ClientMessage> commands) {
        this.session = session;
        this.channel = channel;
        this.commands = commands;
    }

    /** Sends a client frame; the node handles it on the session's event loop. */
    public void send(ClientMessage message) {
        commands.accept(message);
    }

    /** The node's session for this client. */
    public Session session() {
        return session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                switch (ProtocolCodec.INSTANCE.decodeServer(text.text())) {
                    case DecodeResult.Ok<ServerMessage> ok -> frames.add(ok.message());
                    case DecodeResult.Invalid<ServerMessage> invalid -> throw new AssertionError("undecodable frame: " + invalid.detail());
                }
            }
            else if (msg instanceof CloseWebSocketFrame close) {
                closeCode.complete(close.statusCode());
            }
        }
        finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeCode.complete(1006); // gone without a close frame
    }

    /** The next frame within 2 s. */
    public ServerMessage next() {
        ServerMessage message = poll(WAIT_MILLIS);
        if (message == null) {
            throw new AssertionError("no frame within " + WAIT_MILLIS + " ms for " + session);
        }
        return message;
    }

    /** The next frame, which must be of {@code type}. */
    public <T extends ServerMessage> T expect(Class<T> type) {
        ServerMessage message = next();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + message);
        }
        return type.cast(message);
    }

    /** The next frame if one arrives within {@code millis}, else null. */
    public ServerMessage poll(long millis) {
        try {
            return frames.poll(millis, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The close code the node sent (1006 when the channel went without one), within 2 s. */
    public int closeCode() {
        return closeCode.orTimeout(WAIT_MILLIS, TimeUnit.MILLISECONDS).join();
    }

    /** Goes away, as a client whose socket closes: the node unregisters the session. */
    public void disconnect() {
        channel.close().syncUninterruptibly();
    }
}
