package io.wsgrid.gateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Just enough of a ws-node for the gateway's health checks and node polling ({@code /actuator/health/**},
 * {@code /api/v1/stats}), on a port chosen before it starts: a test can point a backend at the port while nothing
 * listens (connection refused, as with a crashed node) and bring it up later. It takes no WebSocket sessions.
 */
public final class StubNode implements AutoCloseable {

    private final HttpServer server;

    private StubNode(HttpServer server) {
        this.server = server;
    }

    /** A port that was free a moment ago (another process could take it in between; on loopback that is rare). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static StubNode start(int port, String nodeId) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/actuator/health", exchange -> json(exchange, "{\"status\":\"UP\"}"));
        server.createContext("/api/v1/stats", exchange -> json(exchange, "{\"node\":\"" + nodeId
                + "\",\"sessions\":0,\"users\":0,\"groups\":0,\"messages\":0,\"deliveries\":0,\"shards\":[]}"));
        server.start();
        return new StubNode(server);
    }

    private static void json(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
