package io.wsgrid.node.session;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.metrics.NodeMetrics;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * One node's sessions on real Netty channels and event loops, without a server or a socket: each session is the server
 * end of an in-JVM {@link LocalChannel} pair, opened and closed through the real {@link Sessions}, and the other end is
 * a {@link TestClient} that decodes what the node wrote. For unit tests of routers across nodes; an embedded channel
 * would not do, as routers write to sessions from bus, timer and history threads and its loop runs everything inline.
 */
public final class LocalSessions implements AutoCloseable {

    private static final WebSocketDecoderConfig CLIENT_SIDE = WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false)
            .maxFramePayloadLength(1 << 20).build();

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private final List<Channel> clientEnds = new CopyOnWriteArrayList<>();
    private final LocalAddress address = new LocalAddress(LocalSessions.class);
    private final String nodeId;
    private final NodeMetrics metrics;
    private final SessionProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("wsgrid.node.session", Bindable.of(SessionProperties.class));
    private final Outbound outbound;
    private final SessionStreams streams;
    private final Channel server;
    private volatile Sessions sessions;

    public LocalSessions(String nodeId, NodeMetrics metrics) {
        this.nodeId = nodeId;
        this.metrics = metrics;
        this.outbound = new Outbound(metrics, properties);
        this.streams = new SessionStreams(outbound);
        this.server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class).childHandler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel channel) {
                accepted.add(channel);
            }
        }).bind(address).syncUninterruptibly().channel();
    }

    public Outbound outbound() {
        return outbound;
    }

    public SessionStreams streams() {
        return streams;
    }

    public SessionProperties properties() {
        return properties;
    }

    /**
     * Where sessions register and unregister (the router) and what handles their client frames; set once, before the
     * first {@link #open}.
     */
    public void lifecycle(SessionLifecycle lifecycle, CommandHandler commands) {
        this.sessions = new Sessions(outbound, lifecycle, metrics, properties, commands, new NodeProperties(nodeId, NodeProperties.Transport.AUTO));
    }

    /**
     * Opens a session of the user as {@code Sessions.open} does once the WebSocket upgrade is done ({@code resume}: the
     * URL had {@code resume=1}); returns its client at once: the {@code connected} frame follows when the lifecycle
     * registered the session.
     */
    public TestClient open(String tenant, String user, boolean resume) {
        TestClient client = new TestClient();
        Channel clientEnd = new Bootstrap().group(loops).channel(LocalChannel.class).handler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel channel) {
                // The node writes ready-made frames, and the local transport may hand several over in one buffer.
                channel.pipeline().addLast(new WebSocket08FrameDecoder(CLIENT_SIDE), client);
            }
        }).connect(address).syncUninterruptibly().channel();
        clientEnds.add(clientEnd);
        Channel serverEnd = take();
        Session session = serverEnd.eventLoop().submit(() -> {
            Session s = new Session(Uuid7.nextString(), tenant, user, serverEnd, outbound.register(serverEnd.eventLoop()),
                    System.currentTimeMillis(), "local");
            s.awaitingResume = resume;
            serverEnd.closeFuture().addListener(f -> sessions.closed(s)); // what SessionHandler.channelInactive does
            sessions.register(s);
            return s;
        }).syncUninterruptibly().getNow();
        client.attach(session, clientEnd, message -> serverEnd.eventLoop().execute(() -> {
            // What SessionHandler does with a decoded client frame.
            ServerMessage.ErrorReply error = sessions.commands().handle(session, message);
            if (error != null) {
                outbound.reply(session, error);
            }
        }));
        return client;
    }

    private Channel take() {
        try {
            Channel channel = accepted.poll(5, TimeUnit.SECONDS);
            if (channel == null) {
                throw new AssertionError("the local server accepted no channel within 5 s");
            }
            return channel;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        clientEnds.forEach(channel -> channel.close().syncUninterruptibly());
        server.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
