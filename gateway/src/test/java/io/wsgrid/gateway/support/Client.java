package io.wsgrid.gateway.support;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.wsgrid.client.Backoff;
import io.wsgrid.client.WsGridClient;
import io.wsgrid.common.protocol.ServerMessage;

/** A wsgrid client (the real library) recording which node each session landed on and how sessions ended. */
public final class Client implements AutoCloseable {

    public final List<String> nodes = new CopyOnWriteArrayList<>();
    public final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    public final List<ServerMessage.Delivery> messages = new CopyOnWriteArrayList<>();
    private final WsGridClient client;

    public Client(int gatewayPort, String user, boolean reconnect) {
        client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:" + gatewayPort + "/ws")).user(user)
                .reconnect(reconnect).backoff(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)))
                .onConnected(c -> nodes.add(c.node()))
                .onMessage(messages::add)
                .onClose((code, reason, again) -> closeCodes.add(code))
                .build();
        client.connect().orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** The node of the current (latest) session. */
    public String node() {
        return nodes.getLast();
    }

    public WsGridClient raw() {
        return client;
    }

    @Override
    public void close() {
        client.close();
    }
}
