package io.wsgrid.node.api;

import java.time.Duration;
import java.util.List;

import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;

import static org.awaitility.Awaitility.await;

/** Two or more in-JVM nodes on the Redis bus with their own prefix, ready (bus connected) before the test goes on. */
final class ClusterApiSupport {

    private ClusterApiSupport() {
    }

    static int[] startCluster(Nodes nodes, String test, int count, List<String> extra) {
        return startNamed(nodes, Nodes.uniqueName(test), count, extra);
    }

    /** Like {@link #startCluster}, with the cluster's prefix given (so the test can add nodes of its own). */
    static int[] startNamed(Nodes nodes, String name, int count, List<String> extra) {
        Services.requireRedis();
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            List<String> properties = new java.util.ArrayList<>(Nodes.clusterProperties("redis", name, "n" + (i + 1)));
            properties.addAll(extra);
            ports[i] = nodes.start(properties);
        }
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(20)).until(() -> new Rest(port).get("/actuator/health").body().contains("\"busConnected\":true"));
        }
        return ports;
    }

    static String ws(int port, String user) {
        return "ws://127.0.0.1:" + port + "/ws?user_id=" + user;
    }
}
