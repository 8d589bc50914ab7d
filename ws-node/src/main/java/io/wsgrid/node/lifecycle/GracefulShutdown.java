package io.wsgrid.node.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Shuts the node down without dropping users on the floor: readiness goes DOWN, new upgrades are refused, then open
 * sessions are closed with 1001 spread evenly over the drain window, and only then does the web server stop. Runs
 * before the web server's own graceful shutdown phase.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Hub hub;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final ShutdownProperties properties;
    private volatile boolean running;

    GracefulShutdown(Hub hub, Sessions sessions, ApplicationEventPublisher events, ShutdownProperties properties) {
        this.hub = hub;
        this.sessions = sessions;
        this.events = events;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        sessions.refuseNewSessions();
        pause(properties.readinessDelay().toNanos());
        List<Session> open = new ArrayList<>();
        for (Session[] shard : hub.allSessions()) {
            for (Session s : shard) {
                open.add(s);
            }
        }
        log.info("draining {} sessions over {}", open.size(), properties.drainWindow());
        long steps = Math.max(1, properties.drainWindow().toNanos() / STEP_NANOS);
        int perStep = (int) Math.ceil(open.size() / (double) steps);
        for (int i = 0; i < open.size(); i++) {
            open.get(i).close(CloseCode.GOING_AWAY, "node shutting down");
            if ((i + 1) % perStep == 0 && i + 1 < open.size()) {
                pause(STEP_NANOS);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hub.sessionCount() > 0 && System.nanoTime() < deadline) {
            pause(STEP_NANOS);
        }
        log.info("drained; {} sessions left", hub.sessionCount());
    }

    private static void pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server's graceful shutdown (which waits for requests) and its stop. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
