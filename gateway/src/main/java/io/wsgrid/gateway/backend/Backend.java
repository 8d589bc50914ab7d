package io.wsgrid.gateway.backend;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ws-node behind the gateway. Its URI and id are fixed; weight, state and counters change and are safe to read
 * from any thread.
 */
public final class Backend {

    private final String id;
    private final URI uri;
    private volatile int weight;
    private final String source;
    private volatile BackendState state = BackendState.DOWN;
    private volatile long ejectedUntilMillis;
    private volatile String lastError = "";
    private volatile long lastErrorMillis;
    private volatile int consecutiveFailures;
    private int healthyStreak;
    private int unhealthyStreak;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicLong totalSessions = new AtomicLong();
    final AtomicLong failedHandshakes = new AtomicLong();

    public Backend(String id, URI uri, int weight, String source) {
        this.id = id;
        this.uri = uri;
        this.weight = weight;
        this.source = source;
    }

    public String id() {
        return id;
    }

    public URI uri() {
        return uri;
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    public int weight() {
        return weight;
    }

    void weight(int weight) {
        this.weight = weight;
    }

    /** Where the backend came from: config, dns or api. */
    public String source() {
        return source;
    }

    public BackendState state() {
        return state;
    }

    /** Relayed sessions plus upgrades in progress that reserved a place here. */
    public int connections() {
        return connections.get();
    }

    /** Takes a place for a new session unless {@code max} are taken; a hard cap, also under concurrent upgrades. */
    boolean tryReserve(int max) {
        while (true) {
            int n = connections.get();
            if (n >= max) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public long totalSessions() {
        return totalSessions.get();
    }

    public long failedHandshakes() {
        return failedHandshakes.get();
    }

    public String lastError() {
        return lastError;
    }

    /** When {@link #lastError} happened (epoch millis), 0 when there was none: the admin UI hides an old error. */
    public long lastErrorMillis() {
        return lastErrorMillis;
    }

    /** Whether the backend may take a new session now. */
    public boolean accepting(long nowMillis) {
        return state == BackendState.UP && nowMillis >= ejectedUntilMillis;
    }

    void state(BackendState state) {
        this.state = state;
    }

    /** Active check outcome; returns the new state when it changed, else null. Called by one health thread. */
    synchronized BackendState probed(boolean healthy, int rise, int fall, String error) {
        if (state == BackendState.DRAINING || state == BackendState.DISABLED) {
            return null;
        }
        if (healthy) {
            unhealthyStreak = 0;
            if (state == BackendState.DOWN && ++healthyStreak >= rise) {
                healthyStreak = 0;
                consecutiveFailures = 0;
                state = BackendState.UP;
                return state;
            }
        }
        else {
            lastError = error;
            lastErrorMillis = System.currentTimeMillis();
            healthyStreak = 0;
            if (state == BackendState.UP && ++unhealthyStreak >= fall) {
                unhealthyStreak = 0;
                state = BackendState.DOWN;
                return state;
            }
        }
        return null;
    }

    /** A connect or handshake failure: ejects the backend for 1 s, doubling up to 30 s while failures continue. */
    synchronized void failed(long nowMillis, String error) {
        failedHandshakes.incrementAndGet();
        lastError = error;
        lastErrorMillis = nowMillis;
        long ejection = Math.min(30_000, 1_000L << Math.min(consecutiveFailures, 5));
        consecutiveFailures++;
        ejectedUntilMillis = nowMillis + ejection;
    }

    synchronized void succeeded() {
        consecutiveFailures = 0;
    }

    /** When passive ejection (the circuit breaker) lets the backend take sessions again; in the past when closed. */
    public long ejectedUntilMillis() {
        return ejectedUntilMillis;
    }

    /** Connect or handshake failures in a row; each doubles the next ejection, a success resets it to 0. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}
