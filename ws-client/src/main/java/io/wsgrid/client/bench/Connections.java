package io.wsgrid.client.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.AttributeKey;
import org.HdrHistogram.Recorder;

/**
 * Many WebSocket connections on Netty for load generation: a few event loops, no per-frame decoding beyond finding
 * one number. Frames carrying {@code "t":<nanoTime>} (fan-out payloads) or pongs with a nanoTime id (echo) record
 * their latency in microseconds. Connections spread over several loopback source addresses, so one run can pass the
 * 64k ports of a single address pair.
 */
final class Connections implements AutoCloseable {

    private static final AttributeKey<CompletableFuture<Channel>> READY = AttributeKey.valueOf("wsgrid.ready");
    private static final byte[] TIME_KEY = "\"t\":".getBytes();
    private static final byte[] PONG_ID = "\"pong\",\"id\":\"".getBytes();
    private static final byte[] CONNECTED = "{\"type\":\"connected\"".getBytes();

    final LongAdder received = new LongAdder();
    /** Connections whose upgrade completed (the count a run expects frames from). */
    final LongAdder handshaken = new LongAdder();
    final LongAdder failures = new LongAdder();
    final AtomicLong open = new AtomicLong();
    final Recorder latencyMicros = new Recorder(3);
    volatile boolean echo;
    /** Speak Engine.IO/Socket.IO 4 framing (for the Socket.IO peer): answer the open and ping packets. */
    volatile boolean socketIo;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<URI> urls;
    private final List<InetAddress> sources;
    private final List<Channel> channels = new ArrayList<>();
    private final Semaphore handshakes;

    /** Connections go round-robin over {@code urls} (several nodes of one cluster). */
    Connections(List<URI> urls, int sourceCount, int threads, int concurrentHandshakes) throws UnknownHostException {
        this.urls = urls;
        this.sources = new ArrayList<>();
        for (int i = 1; i <= sourceCount; i++) {
            sources.add(InetAddress.getByName("127.0.0." + i));
        }
        this.handshakes = new Semaphore(concurrentHandshakes);
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536));
                    }
                });
    }

    /** Opens connection number {@code index} as user {@code user}; completes when the server's first frame arrived. */
    CompletableFuture<Channel> open(int index, String user) throws InterruptedException {
        handshakes.acquire();
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        ready.whenComplete((c, e) -> handshakes.release());
        URI url = urls.get(index % urls.size());
        String sep = url.getRawQuery() == null ? "?" : "&";
        URI target = URI.create(url + sep + "user_id=" + user);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(target).customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(1 << 24).handshakeTimeoutMillis(10_000).dropPongFrames(true).build();
        InetSocketAddress remote = new InetSocketAddress(url.getHost(), url.getPort());
        InetSocketAddress local = new InetSocketAddress(sources.get(index % sources.size()), 0);
        ChannelFuture connect = bootstrap.connect(remote, local);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                failures.increment();
                ready.completeExceptionally(f.cause());
                return;
            }
            Channel ch = connect.channel();
            ch.attr(READY).set(ready);
            ch.pipeline().addLast(new WebSocketClientProtocolHandler(config), new FrameHandler());
            synchronized (channels) {
                channels.add(ch);
            }
            ch.closeFuture().addListener(x -> {
                open.decrementAndGet();
                if (!ready.isDone()) {
                    failures.increment();
                    ready.completeExceptionally(new IllegalStateException("closed during handshake"));
                }
            });
            open.incrementAndGet();
        });
        return ready.orTimeout(30, TimeUnit.SECONDS);
    }

    /** Starts the closed-loop echo on every open connection: each sends a ping and the next one on its pong. */
    void startEcho() {
        echo = true;
        synchronized (channels) {
            for (Channel ch : channels) {
                sendPing(ch);
            }
        }
    }

    void stopEcho() {
        echo = false;
    }

    List<Channel> channels() {
        synchronized (channels) {
            return List.copyOf(channels);
        }
    }

    static void sendPing(Channel ch) {
        ch.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"" + System.nanoTime() + "\"}"));
    }

    @Override
    public void close() {
        synchronized (channels) {
            channels.forEach(Channel::close);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class FrameHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshaken.increment();
                ctx.channel().attr(READY).get().complete(ctx.channel());
            }
            else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failures.increment();
                ctx.close();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ByteBuf content = frame.content();
            if (startsWith(content, CONNECTED)) {
                return;
            }
            if (socketIo && content.readableBytes() > 0 && content.getByte(content.readerIndex()) != '4') {
                // Engine.IO control packets: 0 = open (join the default namespace), 2 = ping (answer pong).
                byte type = content.getByte(content.readerIndex());
                if (type == '0') {
                    ctx.writeAndFlush(new TextWebSocketFrame("40"));
                }
                else if (type == '2') {
                    ctx.writeAndFlush(new TextWebSocketFrame("3"));
                }
                return;
            }
            if (socketIo && content.readableBytes() >= 2 && content.getByte(content.readerIndex() + 1) == '0') {
                return;
            }
            received.increment();
            long sentAt = numberAfter(content, TIME_KEY);
            if (sentAt < 0) {
                sentAt = numberAfter(content, PONG_ID);
                if (sentAt >= 0 && echo) {
                    sendPing(ctx.channel());
                }
            }
            if (sentAt >= 0) {
                latencyMicros.recordValue(Math.max(0, (System.nanoTime() - sentAt) / 1000));
            }
        }
    }

    private static boolean startsWith(ByteBuf content, byte[] prefix) {
        if (content.readableBytes() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (content.getByte(content.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The decimal number right after {@code key} in {@code content}, or -1. */
    static long numberAfter(ByteBuf content, byte[] key) {
        int from = content.readerIndex();
        int end = content.writerIndex() - key.length;
        outer:
        for (int i = from; i <= end; i++) {
            for (int k = 0; k < key.length; k++) {
                if (content.getByte(i + k) != key[k]) {
                    continue outer;
                }
            }
            long value = 0;
            int digits = 0;
            for (int j = i + key.length; j < content.writerIndex(); j++, digits++) {
                byte b = content.getByte(j);
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
            }
            return digits == 0 ? -1 : value;
        }
        return -1;
    }

}
