package io.wsgrid.node.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.wsgrid.node.metrics.NodeMetrics;

import org.springframework.stereotype.Component;

/**
 * The warm-up's gate: while a rehearsal runs, a request that carries its key in {@link #HEADER} belongs to the
 * warm-up's private node (a WebSocket upgrade becomes one of its sessions, a REST send goes to its messenger). The key
 * is random, known only to this process, and dropped before readiness goes UP; outside a rehearsal no request matches.
 */
@Component
public class Rehearsal {

    public static final String HEADER = "X-Wsgrid-Warmup";

    private final Sessions sessions;
    private volatile Stage stage;

    private record Stage(String key, Sessions sessions) {
    }

    Rehearsal(Sessions sessions) {
        this.sessions = sessions;
    }

    /** Starts a rehearsal on a private node's parts; returns the key its requests carry. */
    public String begin(Outbound outbound, SessionLifecycle lifecycle, NodeMetrics metrics) {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        Stage started = new Stage(HexFormat.of().formatHex(key), sessions.rehearsing(outbound, lifecycle, metrics));
        stage = started;
        return started.key();
    }

    /** Ends the rehearsal: from now on no request carries a valid key. */
    public void end() {
        stage = null;
    }

    /** Whether {@code header} (the value of {@link #HEADER}, may be null) is the running rehearsal's key. */
    public boolean admits(String header) {
        return sessionsFor(header) != null;
    }

    /** The private node's sessions when {@code header} is the running rehearsal's key, else null. */
    Sessions sessionsFor(String header) {
        Stage current = stage;
        return current != null && header != null
                && MessageDigest.isEqual(current.key().getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII))
                ? current.sessions() : null;
    }
}
