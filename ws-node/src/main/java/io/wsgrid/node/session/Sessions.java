package io.wsgrid.node.session;

import java.time.Duration;
import java.util.List;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.offline.OfflineStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.Connection;

import org.springframework.stereotype.Component;

/**
 * Opens and closes sessions: installs the session's handlers on its channel, registers it in the hub, sends the
 * {@code connected} frame followed by the user's queued offline messages, and unregisters it when the channel closes.
 */
@Component
public class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final Hub hub;
    private final Outbound outbound;
    private final OfflineStore offline;
    private final NodeMetrics metrics;
    private final SessionProperties properties;
    private final CommandHandler commands;
    private final String nodeId;
    private final int heartbeatSeconds;
    private final Bandwidth rateLimit;
    private volatile boolean accepting = true;

    Sessions(Hub hub, Outbound outbound, OfflineStore offline, NodeMetrics metrics, SessionProperties properties,
            CommandHandler commands, NodeProperties node, MeterRegistry registry) {
        this.hub = hub;
        this.outbound = outbound;
        this.offline = offline;
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
    }

    /** Sets up a session on an upgraded connection; must run on the connection's event loop. */
    void open(Connection connection, String tenant, String user, String remoteAddress) {
        Channel channel = connection.channel();
        int loop = outbound.register(channel.eventLoop());
        Session session = new Session(Uuid7.nextString(), tenant, user, channel, loop, System.currentTimeMillis(), remoteAddress);
        session.rateLimit = Bucket.builder().addLimit(rateLimit).build();
        int queueBytes = (int) properties.outboundQueueSize().toBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(queueBytes / 2, queueBytes));
        connection.addHandlerLast("wsgrid.aggregator", new WebSocketFrameAggregator((int) properties.maxFrameSize().toBytes()));
        connection.addHandlerLast("wsgrid.session", new SessionHandler(session, this));
        channel.config().setAutoRead(true);

        // Registering and draining under the user's shard lock: a concurrent send either sees this session (and its
        // frame is written after the queued ones, by this loop) or was queued before the drain.
        List<byte[]> queued = hub.register(session, sessions -> offline.drain(tenant, user));
        byte[] connected = ProtocolCodec.INSTANCE.encode(new ServerMessage.Connected(session.id(), user, nodeId, heartbeatSeconds));
        outbound.writeOnLoop(session, Frames.text(PooledByteBufAllocator.DEFAULT, connected));
        for (byte[] message : queued) {
            outbound.writeOnLoop(session, Frames.text(PooledByteBufAllocator.DEFAULT, message));
        }
        if (log.isDebugEnabled()) {
            log.debug("session {} opened for {}/{} from {} ({} queued messages)", session.id(), tenant, user, remoteAddress, queued.size());
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
        hub.unregister(session);
    }

    /** Closes every session of the user on this node with {@code code}; returns how many were open. */
    public int closeUser(String tenant, String user, CloseCode code, String reason) {
        int closed = 0;
        for (Session s : hub.userSessions(tenant, user)) {
            if (s.close(code, reason)) {
                closed++;
            }
        }
        return closed;
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
