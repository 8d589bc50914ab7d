package io.wsgrid.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.wsgrid.client.WsGridClient;
import io.wsgrid.common.protocol.ServerMessage;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README's run command, {@code deploy/local/run.sh}, as a new user runs it: on free ports, with no Redis on its
 * Redis port, so it starts the embedded one. A message sent through one node reaches a client on another, a queued
 * message waits for its user, the "Try it" command names the JDK the script found, and stopping the script with SIGTERM
 * (what kill, systemd or an IDE send) runs its cleanup: every process it started stops and every port closes.
 */
class LocalClusterIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void oneCommandStartsAWorkingClusterAndStopsIt() throws Exception {
        int[] ports = Machine.freePorts(6);
        int gateway = ports[0];
        int admin = ports[1];
        int node1 = ports[2];
        int node2 = ports[3];
        int node3 = ports[4];
        int redis = ports[5];
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("deploy/local/run.sh").toString())
                .directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("GATEWAY_PORT", "" + gateway, "ADMIN_PORT", "" + admin,
                "NODE_PORTS", node1 + " " + node2 + " " + node3, "REDIS_PORT", "" + redis, "ADMIN_PASSWORD", "e2e-secret",
                "JAVA_HOME", System.getProperty("java.home")));
        Process script = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread drain = Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(output::add);
            } catch (IOException e) {
                output.add("(output closed: " + e + ")");
            }
        });
        List<WsGridClient> clients = new ArrayList<>();
        try {
            try {
                await().atMost(Duration.ofMinutes(7)).pollInterval(Duration.ofMillis(250))
                        .failFast("the script exited", () -> !script.isAlive())
                        .until(() -> output.contains("[wsgrid] ready"));
            } catch (ConditionTimeoutException | TerminalFailureException e) {
                throw new AssertionError(e.getMessage() + "; its output:\n" + String.join("\n", output), e);
            }
            assertThat(String.join("\n", output))
                    .contains("started an embedded Redis on localhost:" + redis)
                    .contains("http://localhost:" + admin + "/", "password e2e-secret")
                    .contains("ws://localhost:" + gateway + "/ws")
                    .contains("curl -X POST")
                    // Not a bare "java": on a machine whose default java is 17 that fails with UnsupportedClassVersionError.
                    .contains(Path.of(System.getProperty("java.home"), "bin", "java") + " -jar "
                            + ROOT.resolve("ws-client/target/ws-client.jar") + " connect --url ws://localhost:" + gateway + "/ws");

            // A message for an offline user is queued in the embedded Redis and delivered when she connects.
            assertThat(post(node1, "/api/v1/users/olga/messages", "{\"data\":\"while away\"}")).contains("\"status\":\"queued\"");
            List<ServerMessage.Delivery> olga = new CopyOnWriteArrayList<>();
            clients.add(connect(node3, "olga", olga));
            await().atMost(Duration.ofSeconds(10)).until(() -> olga.size() == 1);

            // Sent through node1, delivered to a session on node2, and through the gateway as a user would.
            List<ServerMessage.Delivery> bob = new CopyOnWriteArrayList<>();
            clients.add(connect(node2, "bob", bob));
            assertThat(post(node1, "/api/v1/users/bob/messages", "{\"data\":{\"hop\":\"node1 to node2\"}}")).contains("\"status\":\"sent\"");
            assertThat(post(gateway, "/api/v1/broadcast", "{\"data\":\"everyone\"}")).contains("\"id\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> bob.size() == 2);
            assertThat(bob.getFirst().data().toString()).isEqualTo("{\"hop\":\"node1 to node2\"}");

            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/api/backends"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:e2e-secret".getBytes()))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).contains("127.0.0.1:" + node1, "127.0.0.1:" + node3);
        } finally {
            clients.forEach(WsGridClient::close);
            // SIGTERM, not SIGINT: a shell started in the background (as Maven's JVM may be, and so this script) ignores
            // SIGINT from birth and cannot trap it. ProcessHandle.destroy() sends SIGTERM without closing our end of the
            // output, which Process.destroy() would do before the cleanup lines arrive.
            script.toHandle().destroy();
            assertThat(script.waitFor(60, TimeUnit.SECONDS)).as("script stopped: " + output).isTrue();
            drain.join(Duration.ofSeconds(10));
        }
        assertThat(script.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
        // Three nodes, the gateway and the embedded Redis.
        assertThat(output).contains("[wsgrid] stopping 5 processes", "[wsgrid] stopped");
        for (int port : ports) {
            assertThat(listening(port)).as("port " + port + " closed after stop").isFalse();
        }
    }

    private static WsGridClient connect(int port, String user, List<ServerMessage.Delivery> into) {
        WsGridClient client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:" + port + "/ws")).user(user)
                .reconnect(false).onMessage(into::add).build();
        client.connect().orTimeout(20, TimeUnit.SECONDS).join();
        return client;
    }

    private static String post(int port, String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response.body();
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
