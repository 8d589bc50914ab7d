package io.wsgrid.gateway.relay;

import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.Channel;
import io.wsgrid.gateway.backend.Backend;

/**
 * One relayed WebSocket session: the client's channel, the backend's, and what the admin API shows about it.
 * Counters are written by the relay handlers and read by the admin API.
 */
public final class ClientConnection {

    private final String id;
    private final String remoteAddress;
    private final String user;
    private final long sinceMillis;
    final Channel client;
    volatile Channel backendChannel;
    volatile Backend backend;
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    /** Last time a byte went either way (nanoTime); plain field written by the relay loop, read by the idle sweep. */
    volatile long lastActivityNanos = System.nanoTime();
    /** The close code the client was sent (by the node, or injected), 0 while none; read and written on the one loop. */
    int closeCode;
    /** Which side ended the session first: client, backend or gateway (drain, idle, shutdown); same loop as above. */
    String endedBy;
    /** Set on the backend channel's loop when this session must be closed with 1012 at the next frame boundary. */
    volatile boolean closeRequested;

    ClientConnection(String id, Channel client, String remoteAddress, String user) {
        this.id = id;
        this.client = client;
        this.remoteAddress = remoteAddress;
        this.user = user;
        this.sinceMillis = System.currentTimeMillis();
    }

    public String id() {
        return id;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    /** The user id the upgrade named (query or token), when it named one. */
    public String user() {
        return user;
    }

    public long sinceMillis() {
        return sinceMillis;
    }

    public Backend backend() {
        return backend;
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }
}
