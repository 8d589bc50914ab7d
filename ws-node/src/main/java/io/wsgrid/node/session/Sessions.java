package io.wsgrid.node.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.auth.GroupClaims;
import io.wsgrid.node.metrics.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.Connection;

import org.springframework.stereotype.Component;

/**
 * Opens and closes sessions: installs the session's handlers on its channel, registers the session through the
 * {@link SessionLifecycle} (hub, presence, queued messages, user stream top), sends the {@code connected} frame, then
 * the user's queued messages before any live one, and unregisters the session when its channel closes. A session
 * opened with {@code resume=1} holds its live messages until its {@code resume} frame was handled, or for at most
 * {@link SessionProperties#resumeTimeout()}.
 */
@Component
public class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final Outbound outbound;
    private final SessionLifecycle lifecycle;
    private final NodeMetrics metrics;
    private final SessionProperties properties;
    private final CommandHandler commands;
    private final NodeProperties node;
    private final String nodeId;
    private final int heartbeatSeconds;
    private final Bandwidth rateLimit;
    private volatile boolean accepting = true;

    Sessions(Outbound outbound, SessionLifecycle lifecycle, NodeMetrics metrics, SessionProperties properties,
            CommandHandler commands, NodeProperties node) {
        this.outbound = outbound;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.properties = properties;
        this.commands = commands;
        this.node = node;
        this.nodeId = node.id();
        this.heartbeatSeconds = (int) Math.max(1, properties.pingInterval().toSeconds());
        SessionProperties.RateLimit limit = properties.rateLimit();
        this.rateLimit = Bandwidth.builder().capacity(limit.burst())
                .refillGreedy(limit.messagesPerSecond(), Duration.ofSeconds(1)).build();
    }

    /**
     * A twin of these sessions that registers its sessions with {@code lifecycle} and writes their frames through
     * {@code outbound}: the warm-up's private node ({@link Rehearsal}). Its clients only listen; a command from one is
     * refused, since the node's commands act on the real hub.
     */
    Sessions rehearsing(Outbound outbound, SessionLifecycle lifecycle, NodeMetrics metrics) {
        CommandHandler listenOnly = (session, message) -> new ServerMessage.ErrorReply(ErrorCode.FORBIDDEN, "warm-up sessions only listen");
        return new Sessions(outbound, lifecycle, metrics, properties, listenOnly, node);
    }

    /** Sets up a session on an upgraded connection; must run on the connection's event loop. */
    void open(Connection connection, String tenant, String user, GroupClaims groups, long expiresAtMillis, String remoteAddress,
            boolean resume) {
        Channel channel = connection.channel();
        int loop = outbound.register(channel.eventLoop());
        Session session = new Session(Uuid7.nextString(), tenant, user, channel, loop, System.currentTimeMillis(), remoteAddress);
        session.authorize(groups, expiresAtMillis);
        session.rateLimit = Bucket.builder().addLimit(rateLimit).build();
        session.awaitingResume = resume;
        int queueBytes = (int) properties.outboundQueueSize().toBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(queueBytes / 2, queueBytes));
        channel.pipeline().addFirst("wsgrid.linger", new LingeringClose());
        connection.addHandlerLast("wsgrid.aggregator", new WebSocketFrameAggregator((int) properties.maxFrameSize().toBytes()));
        connection.addHandlerLast("wsgrid.session", new SessionHandler(session, this));
        channel.config().setAutoRead(true);

        register(session);
        if (log.isDebugEnabled()) {
            log.debug("session {} opened for {}/{} from {}", session.id(), tenant, user, remoteAddress);
        }
    }

    /**
     * Registers a session whose channel is set up through the {@link SessionLifecycle}, then sends {@code connected}
     * and the user's queued messages, or keeps those for the session's resume.
     */
    void register(Session session) {
        Channel channel = session.channel();
        // The session holds live deliveries until its queued messages (or its replay) went out, so those, being
        // older, go first; registration, the queue and the stream top are one atomic step of the lifecycle.
        lifecycle.opened(session).whenComplete((opened, error) -> channel.eventLoop().execute(() -> {
            if (error != null) {
                log.warn("session {}: could not register {}/{} in the cluster: {}", session.id(), session.tenant(), session.user(),
                        error.toString());
                session.close(CloseCode.TRY_AGAIN_LATER, "cluster state unavailable, try again later");
                return;
            }
            session.topAtOpen = opened.top();
            byte[] connected = ProtocolCodec.INSTANCE.encode(new ServerMessage.Connected(session.id(), session.user(), nodeId,
                    heartbeatSeconds, opened.top()));
            outbound.writeFirst(session, Frames.text(PooledByteBufAllocator.DEFAULT, connected));
            metrics.offlineDrained(opened.queued().size());
            if (session.awaitingResume) {
                session.queuedAtOpen = opened.queued();
                channel.eventLoop().schedule(() -> resumeTimedOut(session), properties.resumeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            else {
                releaseQueued(session, opened.queued());
            }
        }));
    }

    /** A session opened with resume=1 never sent its resume frame: carry on as a fresh connection. */
    private void resumeTimedOut(Session session) {
        if (session.awaitingResume && session.isOpen()) {
            session.awaitingResume = false;
            List<byte[]> queued = session.queuedAtOpen;
            session.queuedAtOpen = null;
            releaseQueued(session, queued == null ? List.of() : queued);
        }
    }

    /**
     * Writes the queued messages in offset order (one put back in the queue after a failed open may stand behind newer
     * ones), then moves the user cursor to the top at open and lets live messages through.
     */
    private void releaseQueued(Session session, List<byte[]> queued) {
        List<StreamCursors.Kept> frames = new ArrayList<>(queued.size());
        for (byte[] message : queued) {
            frames.add(SessionStreams.kept(null, message));
        }
        frames.sort(java.util.Comparator.comparingLong(StreamCursors.Kept::offset));
        outbound.release(session, frames, () -> session.cursors.advance(null, session.topAtOpen));
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
            session.held.forEach(kept -> kept.frame().release());
            session.held = null;
        }
        session.cursors.releaseAll();
        lifecycle.closed(session);
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
