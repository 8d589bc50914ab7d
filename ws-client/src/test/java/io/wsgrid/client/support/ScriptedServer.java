package io.wsgrid.client.support;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;

/**
 * A WebSocket server on a random loopback port that a test scripts frame by frame: it hands over each accepted
 * session ({@link #nextSession}), and the test reads what the client sent and answers or closes with any code.
 */
public final class ScriptedServer implements AutoCloseable {

    /** How long a test waits for the client; only reached when it fails (or the machine is badly overloaded). */
    public static final Duration WAIT = Duration.ofSeconds(30);
    private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("scripted-session");

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
    private final Channel server;

    public ScriptedServer() {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws").checkStartsWith(true).build()),
                                new Frames());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/ws");
    }

    /** The next session a client opened, waiting up to {@link #WAIT}. */
    public Session nextSession() throws InterruptedException {
        Session s = sessions.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new AssertionError("no connection within " + WAIT);
        }
        return s;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One accepted WebSocket session. */
    public static final class Session {
        public final String uri;
        public final HttpHeaders headers;
        private final Channel channel;
        private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

        Session(String uri, HttpHeaders headers, Channel channel) {
            this.uri = uri;
            this.headers = headers;
            this.channel = channel;
        }

        public void send(String json) {
            channel.writeAndFlush(new TextWebSocketFrame(json)).syncUninterruptibly();
        }

        public void send(ServerMessage message) {
            send(new String(ProtocolCodec.INSTANCE.encode(message), StandardCharsets.UTF_8));
        }

        /** The next frame the client sent, decoded, waiting up to {@link #WAIT}. */
        public ClientMessage next() throws InterruptedException {
            String text = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw new AssertionError("no frame from the client within " + WAIT);
            }
            return switch (ProtocolCodec.INSTANCE.decodeClient(text)) {
                case DecodeResult.Ok<ClientMessage> ok -> ok.message();
                case DecodeResult.Invalid<ClientMessage> invalid -> throw new AssertionError("client sent " + text + ": " + invalid.detail());
            };
        }

        /** Closes the session with {@code code}, as a node would (the client answers the close). */
        public void close(int code) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, "scripted")).syncUninterruptibly();
        }
    }

    private final class Frames extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                Session s = new Session(handshake.requestUri(), handshake.requestHeaders(), ctx.channel());
                ctx.channel().attr(SESSION).set(s);
                sessions.add(s);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame text) {
                    ctx.channel().attr(SESSION).get().frames.add(text.text());
                }
            }
            finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
    }
}
