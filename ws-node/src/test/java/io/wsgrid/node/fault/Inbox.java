package io.wsgrid.node.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsgrid.client.Backoff;
import io.wsgrid.client.StreamRecovery;
import io.wsgrid.client.WsGridClient;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;

/**
 * One user's resuming client ({@link WsGridClient}) and the books a fault test keeps about it: the offsets of the
 * user's messages REST accepted with 202, the offsets of its user stream the client handed to the
 * application (in arrival order), the
 * node of each session, and how many server duplicates the client had to drop (a duplicate is a server fault: a
 * resumed session must never repeat what the client said it saw).
 */
final class Inbox implements AutoCloseable {

    /** Fast retries: a test measures how quickly clients come back, not the production backoff. */
    static final Backoff FAST = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    final String user;
    final WsGridClient client;
    final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    final List<Long> delivered = new CopyOnWriteArrayList<>();
    final Set<String> epochs = ConcurrentHashMap.newKeySet();
    /** Every delivered message's position (user and group streams), in arrival order. */
    final List<StreamPosition> positions = new CopyOnWriteArrayList<>();
    final List<StreamRecovery> recoveries = new CopyOnWriteArrayList<>();
    volatile String node;
    volatile long connectedNanos;
    /** Each session's node, in order: more than one means the client reconnected. */
    final List<String> sessions = new CopyOnWriteArrayList<>();

    Inbox(String user, URI url, HttpClient http) {
        this.user = user;
        this.client = WsGridClient.builder().url(url).user(user).httpClient(http).backoff(FAST)
                .onConnected(this::connected)
                .onMessage(m -> {
                    positions.add(m.position());
                    if (m.target() instanceof Target.User) {
                        delivered.add(m.position().offset());
                        epochs.add(m.position().epoch());
                    }
                })
                .onRecovery(recoveries::add)
                .build();
    }

    private void connected(ServerMessage.Connected connected) {
        node = connected.node();
        sessions.add(connected.node());
        connectedNanos = System.nanoTime();
    }

    long duplicates() {
        return client.duplicatesDropped();
    }

    /** Accepted offsets the client has not delivered. */
    List<Long> missing() {
        Set<Long> got = Set.copyOf(delivered);
        List<Long> out = new ArrayList<>();
        for (long offset : accepted) {
            if (!got.contains(offset)) {
                out.add(offset);
            }
        }
        out.sort(null);
        return out;
    }

    /** Whether the delivered offsets are exactly 1, 2, 3, ... in that order. */
    boolean contiguous() {
        for (int i = 0; i < delivered.size(); i++) {
            if (delivered.get(i) != i + 1) {
                return false;
            }
        }
        return true;
    }

    /** What a failure report needs to tell a server fault from a client one. */
    String report() {
        return user + " sessions=" + sessions + " recoveries=" + recoveries + " duplicatesDropped=" + duplicates() + " accepted="
                + new java.util.TreeSet<>(accepted) + " delivered=" + delivered;
    }

    @Override
    public void close() {
        client.close();
    }
}
