package io.wsgrid.node.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.auth.TestKeys;
import io.wsgrid.node.session.Rehearsal;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up rehearses on a private node: its sends really reach its sessions over sockets, and afterwards nothing of
 * it is left in the node's sessions, streams, offline queues, metrics or (clustered) in Redis. Its key is gone once the
 * node is ready: a request that carries the header is an ordinary one.
 */
@ExtendWith(OutputCaptureExtension.class)
class WarmupIT {

    private static final TestKeys KEYS = TestKeys.hs256("warmup-secret-warmup-secret-warmup-secret");
    private static final Pattern WARMED = Pattern.compile("send path warmed in \\d+ ms: (\\d+) REST sends \\((\\d+) failed\\), (\\d+) frames to (\\d+) warm-up sessions");

    @Test
    void aStandaloneNodeRehearsesOnAPrivateNodeAndKeepsNothingOfIt(CapturedOutput output) {
        try (Nodes nodes = new Nodes()) {
            int port = nodes.start(List.of("wsgrid.node.warmup.requests=500", "wsgrid.node.warmup.sessions=8", "wsgrid.auth.mode=jwt",
                    "wsgrid.auth.tenants.default.jwt-secret=" + KEYS.secret(), "wsgrid.auth.tenants.default.api-key=k1"));
            assertRehearsed(output, 500, 8);
            assertNothingLeft(port);
        }
    }

    @Test
    void aClusteredNodeRehearsesWithoutTouchingRedis(CapturedOutput output) {
        Services.requireRedis();
        String name = Nodes.uniqueName("rehearsal");
        try (Nodes nodes = new Nodes()) {
            List<String> properties = new ArrayList<>(Nodes.clusterProperties("redis", name, "warm-1"));
            properties.removeIf(p -> p.startsWith("wsgrid.auth."));
            properties.addAll(List.of("wsgrid.node.warmup.requests=500", "wsgrid.node.warmup.sessions=8", "wsgrid.auth.mode=jwt",
                    "wsgrid.auth.tenants.default.jwt-secret=" + KEYS.secret(), "wsgrid.auth.tenants.default.api-key=k1"));
            int port = nodes.start(properties);
            assertRehearsed(output, 500, 8);
            try (RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
                    StatefulRedisConnection<String, String> connection = redis.connect()) {
                assertThat(connection.sync().keys(name + "*")).as("the cluster's keys").isNotEmpty()
                        .noneMatch(key -> key.substring(name.length()).contains("warmup"));
            }
            assertNothingLeft(port);
        }
    }

    /** The warm-up's log line: every send accepted, and every one reached its session (plus each connected frame). */
    private static void assertRehearsed(CapturedOutput output, int requests, int sessions) {
        Matcher line = WARMED.matcher(output.getOut());
        assertThat(line.find()).as("the warm-up's log line in:%n%s", output.getOut()).isTrue();
        assertThat(Integer.parseInt(line.group(1))).as("sends").isEqualTo(requests);
        assertThat(Integer.parseInt(line.group(2))).as("failed sends").isZero();
        assertThat(Integer.parseInt(line.group(4))).as("sessions").isEqualTo(sessions);
        assertThat(Integer.parseInt(line.group(3))).as("frames received").isEqualTo(requests + sessions);
    }

    private static void assertNothingLeft(int port) {
        Rest rest = new Rest(port).with(Map.of("X-Api-Key", "k1"));
        assertThat(rest.get("/api/v1/stats").body()).contains("\"sessions\":0,\"users\":0,\"groups\":0,\"messages\":0,\"deliveries\":0");
        assertThat(rest.get("/api/v1/users/warmup-0").body()).contains("\"online\":false");

        // A user of the warm-up's name starts with an empty stream and an empty queue.
        try (WsClient real = WsClient.connect("ws://127.0.0.1:" + port + "/ws?token=" + KEYS.token("warmup-0", Instant.now().plusSeconds(600), List.of()))) {
            ServerMessage.Connected connected = real.expect(ServerMessage.Connected.class);
            assertThat(connected.top().offset()).as("the real warmup-0's stream").isZero();
            assertThat(rest.post("/api/v1/users/warmup-0/messages", "{\"data\":1}").body()).contains("\"offset\":1");
        }

        // The header is an ordinary one now: no key, no send; no token, no session.
        Rest noKey = new Rest(port).with(Map.of(Rehearsal.HEADER, "anything"));
        assertThat(noKey.post("/api/v1/users/warmup-1/messages", "{\"data\":1}").status()).isEqualTo(401);
        try (WsClient stranger = WsClient.connect("ws://127.0.0.1:" + port + "/ws?user_id=warmup-1", Map.of(Rehearsal.HEADER, "anything"))) {
            assertThat(stranger.closeCode()).isEqualTo(4001);
        }
    }
}
