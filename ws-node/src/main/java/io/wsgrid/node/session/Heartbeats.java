package io.wsgrid.node.session;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.wsgrid.common.protocol.CloseCode;


import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends a WebSocket ping to every session each ping interval and closes sessions that sent nothing (not even a pong)
 * for the idle timeout, and closes with 4001 sessions whose token expired without a refresh (within one sweep, a fifth
 * of the ping interval, of the expiry). One timer thread sweeps the hub a few times per interval and posts one task
 * per event loop; sessions carry no timers of their own, which keeps idle sessions small.
 */
@Component
class Heartbeats implements SmartLifecycle {

    /** A ping frame with no payload, shared by all sessions (RFC 6455: FIN, opcode 9, length 0). */
    private static final ByteBuf PING = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, 0}).asReadOnly());

    private final SessionRegistry hub;
    private final Outbound outbound;
    private final long pingNanos;
    private final long idleNanos;
    private final long sweepMillis;
    private final Clock clock;
    private ScheduledExecutorService timer;

    Heartbeats(SessionRegistry hub, Outbound outbound, SessionProperties properties, Clock clock) {
        this.hub = hub;
        this.clock = clock;
        this.outbound = outbound;
        this.pingNanos = properties.pingInterval().toNanos();
        this.idleNanos = properties.idleTimeout().toNanos();
        this.sweepMillis = Math.max(50, properties.pingInterval().toMillis() / 5);
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("wsgrid-heartbeat").daemon().factory());
        timer.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
        timer = null;
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }

    private void sweep() {
        long wallMillis = clock.millis();
        outbound.onEachLoop(hub.allSessions(), (s, now) -> check(s, now, wallMillis));
    }

    /** Runs on the session's event loop. */
    private void check(Session s, long now, long wallMillis) {
        if (!s.isOpen()) {
            return;
        }
        if (wallMillis >= s.expiresAtMillis()) {
            s.close(CloseCode.UNAUTHORIZED, "token expired");
        }
        else if (now - s.lastReadNanos > idleNanos) {
            s.close(CloseCode.GOING_AWAY, "idle timeout");
        }
        else if (now - s.lastPingNanos >= pingNanos) {
            s.lastPingNanos = now;
            outbound.writeOnLoop(s, PING.duplicate());
        }
    }
}
