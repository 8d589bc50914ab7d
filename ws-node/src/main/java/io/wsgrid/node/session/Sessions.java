package io.wsgrid.node.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.auth.GroupClaims;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.delivery.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.Connection;

import org.springframework.stereotype.Component;

/**
 * Opens and closes sessions: installs the session's handlers on its channel, sends the {@code connected} frame,
 * registers the session in the hub and with the {@link Router}, writes the user's queued offline messages before any
 * live one, and unregisters the session when its channel closes.
 */
@Component
public class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final Hub hub;
    private final Outbound outbound;
    private final Router router;
    private final NodeMetrics metrics;
    private final SessionProperties properties;
    private final CommandHandler commands;
    private final String nodeId;
    private final int heartbeatSeconds;
    private final Bandwidth rateLimit;
    private volatile boolean accepting = true;

    Sessions(Hub hub, Outbound outbound, Router router, NodeMetrics metrics, SessionProperties properties,
            CommandHandler commands, NodeProperties node, MeterRegistry registry) {
        this.hub = hub;
        this.outbound = outbound;
        this.router = router;
        this.metrics = metrics;
        this.properties = properties;
        this.commands = commands;
        this.nodeId = node.id();
        this.heartbeatSeconds = (int) Math.max(1, properties.pingInterval().toSeconds());
        SessionProperties.RateLimit limit = properties.rateLimit();
        this.rateLimit = Bandwidth.builder().capacity(limit.burst())
                .refillGreedy(limit.messagesPerSecond(), Duration.ofSeconds(1)).build();
        Gauge.builder("wsgrid.sessions", hub, Hub::sessionCount).description("Open WebSocket sessions").register(registry);
        Gauge.builder("wsgrid.users", hub, Hub::userCount).description("Distinct users with a session on this node").register(registry);
        Gauge.builder("wsgrid.outbound.queued", hub, Sessions::queuedBytes).baseUnit("bytes")
                .description("Bytes written to sessions but not yet taken by their sockets (sum of outbound queues)").register(registry);
    }

    /** Sum of the sessions' outbound queues; walks every session, so it is for scrapes, not hot paths. */
    private static double queuedBytes(Hub hub) {
        long total = 0;
        for (Session[] shard : hub.allSessions()) {
            for (Session s : shard) {
                ChannelOutboundBuffer buffer = s.channel().unsafe().outboundBuffer();
                if (buffer != null) {
                    total += buffer.totalPendingWriteBytes();
                }
            }
        }
        return total;
    }

    /** Sets up a session on an upgraded connection; must run on the connection's event loop. */
    void open(Connection connection, String tenant, String user, GroupClaims groups, long expiresAtMillis, String remoteAddress) {
        Channel channel = connection.channel();
        int loop = outbound.register(channel.eventLoop());
        Session session = new Session(Uuid7.nextString(), tenant, user, channel, loop, System.currentTimeMillis(), remoteAddress);
        session.authorize(groups, expiresAtMillis);
        session.rateLimit = Bucket.builder().addLimit(rateLimit).build();
        int queueBytes = (int) properties.outboundQueueSize().toBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(queueBytes / 2, queueBytes));
        channel.pipeline().addFirst("wsgrid.linger", new LingeringClose());
        connection.addHandlerLast("wsgrid.aggregator", new WebSocketFrameAggregator((int) properties.maxFrameSize().toBytes()));
        connection.addHandlerLast("wsgrid.session", new SessionHandler(session, this));
        channel.config().setAutoRead(true);

        byte[] connected = ProtocolCodec.INSTANCE.encode(new ServerMessage.Connected(session.id(), user, nodeId, heartbeatSeconds, null));
        outbound.writeFirst(session, Frames.text(PooledByteBufAllocator.DEFAULT, connected));
        // The session holds live deliveries until the router handed over the user's queued messages, so those
        // (older) go out first; the router's registration and drain are one atomic step.
        hub.register(session);
        router.opened(session).whenComplete((queued, error) -> channel.eventLoop().execute(() -> {
            if (error != null) {
                log.warn("session {}: could not take queued messages of {}/{}: {}", session.id(), tenant, user, error.toString());
            }
            List<ByteBuf> frames = new ArrayList<>();
            for (byte[] message : queued == null ? List.<byte[]>of() : queued) {
                frames.add(Frames.text(PooledByteBufAllocator.DEFAULT, message));
            }
            metrics.offlineDrained(frames.size());
            outbound.release(session, frames);
        }));
        if (log.isDebugEnabled()) {
            log.debug("session {} opened for {}/{} from {}", session.id(), tenant, user, remoteAddress);
        }
    }

    /** Stops accepting new sessions; upgrade requests get 503 from now on. */
    public void refuseNewSessions() {
        accepting = false;
    }

    boolean accepting() {
        return accepting;
    }

    /** The channel of {@code session} closed. */
    void closed(Session session) {
        session.markClosed();
        if (session.held != null) {
            session.held.forEach(ByteBuf::release);
            session.held = null;
        }
        if (hub.unregister(session)) {
            router.closed(session);
        }
    }

    NodeMetrics metrics() {
        return metrics;
    }

    CommandHandler commands() {
        return commands;
    }

    Outbound outbound() {
        return outbound;
    }

    SessionProperties properties() {
        return properties;
    }
}
