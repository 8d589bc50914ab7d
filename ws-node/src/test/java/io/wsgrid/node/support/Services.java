package io.wsgrid.node.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local Redis and RabbitMQ the cluster tests need. In CI ({@code CI=true}) a missing server fails the test;
 * elsewhere the test is skipped with a message saying what to start.
 */
public final class Services {

    private Services() {
    }

    public static void requireRedis() {
        require("Redis", 6379, "redis-server --daemonize yes --port 6379 --save '' --appendonly no");
    }

    public static void requireRabbitMq() {
        require("RabbitMQ", 5672, "rabbitmq-server -detached");
    }

    private static void require(String name, int port, String howToStart) {
        boolean up = reachable(port);
        if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(name + " is not running on 127.0.0.1:" + port + " (CI must provide it)");
        }
        if (!up) {
            System.err.println("SKIPPED: " + name + " is not running on 127.0.0.1:" + port + "; start it with: " + howToStart);
        }
        assumeTrue(up, name + " on port " + port);
    }

    public static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
