package io.wsgrid.gateway.relay;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;

/** A Netty WebSocket client that can negotiate permessage-deflate and send binary frames (the JDK client cannot). */
final class NettyWsClient implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final WebSocketClientHandshaker handshaker;
    private final Channel channel;

    NettyWsClient(int port, String user, boolean compress) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws?user_id=" + user);
        handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, true, new DefaultHttpHeaders(), 1 << 20);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof io.netty.handler.codec.http.FullHttpResponse response) {
                            extensions = String.valueOf(response.headers().get("Sec-WebSocket-Extensions"));
                        }
                        ctx.fireChannelRead(msg);
                    }
                });
                if (compress) {
                    ch.pipeline().addLast(WebSocketClientCompressionHandler.INSTANCE);
                }
                // Close frames reach the handler below (handleCloseFrames false), so a test can read the code.
                ch.pipeline().addLast(new WebSocketClientProtocolHandler(handshaker, false), new SimpleChannelInboundHandler<WebSocketFrame>() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                            handshaken.complete(null);
                        }
                        ctx.fireUserEventTriggered(evt);
                    }

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                        if (frame instanceof io.netty.handler.codec.http.websocketx.CloseWebSocketFrame close) {
                            closeCode.complete(close.statusCode());
                            ctx.close();
                            return;
                        }
                        if (frame instanceof TextWebSocketFrame text && !text.text().startsWith("{\"type\":\"connected\"")) {
                            texts.add(text.text());
                        }
                    }
                });
            }
        }).connect(uri.getHost(), port).sync().channel();
        handshaken.get(10, TimeUnit.SECONDS);
    }

    /** The Sec-WebSocket-Extensions the node answered, as relayed by the gateway. */
    String negotiatedExtensions() {
        return extensions;
    }

    private final java.util.concurrent.CompletableFuture<Void> handshaken = new java.util.concurrent.CompletableFuture<>();
    private volatile String extensions = "";

    void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** Sends a text frame with exactly these payload bytes, valid UTF-8 or not. */
    void sendTextBytes(byte[] payload) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    }

    /** The close code the server (through the gateway) sent, within 10 s. */
    int closeCode() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    private final java.util.concurrent.CompletableFuture<Integer> closeCode = new java.util.concurrent.CompletableFuture<>();

    void sendBinary(String text) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    }

    String nextText() throws InterruptedException {
        String t = texts.poll(10, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return t;
    }

    @Override
    public void close() {
        channel.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
