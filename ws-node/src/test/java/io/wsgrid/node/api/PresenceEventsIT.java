package io.wsgrid.node.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.common.protocol.ServerMessage.Presence;
import io.wsgrid.common.protocol.ServerMessage.PresenceEvent;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import static io.wsgrid.node.api.ClusterApiSupport.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence events on a two-node cluster: a user's first session joining and last session leaving a group of an
 * enabled namespace are reported once to the group's sessions on every node; nothing in other namespaces.
 */
class PresenceEventsIT {

    @Test
    void firstJoinAndLastLeaveAreReportedOnceAcrossNodesOnlyWhereEnabled() {
        try (Nodes nodes = new Nodes()) {
            int[] ports = ClusterApiSupport.startCluster(nodes, "presence", 2,
                    List.of("wsgrid.groups.namespaces.chat.presence-events=true"));
            Rest rest = new Rest(ports[0]);
            try (WsClient watcher = WsClient.connected(ws(ports[0], "watcher"))) {
                join(watcher, "chat:1");
                join(watcher, "plain:1");
                WsClient first = WsClient.connected(ws(ports[1], "alice"));
                join(first, "chat:1");
                join(first, "plain:1");
                WsClient second = WsClient.connected(ws(ports[0], "alice"));
                join(second, "chat:1");
                join(second, "plain:1");
                await().atMost(Duration.ofSeconds(5)).until(() -> rest.get("/api/v1/groups/chat:1").body().contains("\"sessions\":3"));

                List<ServerMessage> seen = new ArrayList<>(until(watcher, m -> m instanceof Presence p && p.user().equals("alice")));
                first.close();
                await().atMost(Duration.ofSeconds(5)).until(() -> rest.get("/api/v1/groups/chat:1").body().contains("\"sessions\":2"));
                second.send("{\"type\":\"leave\",\"group\":\"plain:1\"}");
                second.send("{\"type\":\"leave\",\"group\":\"chat:1\"}");
                seen.addAll(until(watcher, m -> m instanceof Presence p && p.event() == PresenceEvent.LEAVE));
                second.close();
                rest.post("/api/v1/groups/plain:1/messages", "{\"data\":\"marker\"}");
                seen.addAll(until(watcher, m -> m instanceof Delivery d && d.data().json().equals("\"marker\"")));

                assertThat(seen.stream().filter(Presence.class::isInstance).filter(m -> ((Presence) m).user().equals("alice")))
                        .containsExactly(new Presence("chat:1", "alice", PresenceEvent.JOIN), new Presence("chat:1", "alice", PresenceEvent.LEAVE));
                assertThat(seen.stream().filter(m -> m instanceof Presence p && !p.group().equals("chat:1"))).as("plain is not enabled").isEmpty();
            }
        }
    }

    @Test
    void theSessionsOfANodeThatDiesAreReportedAsLeaves() throws Exception {
        try (Nodes nodes = new Nodes()) {
            List<String> enabled = List.of("wsgrid.groups.namespaces.chat.presence-events=true");
            String name = Nodes.uniqueName("presencedeath");
            int[] ports = ClusterApiSupport.startNamed(nodes, name, 1, enabled);
            List<String> properties = new ArrayList<>(Nodes.clusterProperties("redis", name, "doomed"));
            properties.addAll(enabled);
            Nodes.Started doomed = nodes.startProcess(properties);
            try (WsClient watcher = WsClient.connected(ws(ports[0], "watcher"))) {
                join(watcher, "chat:9");
                WsClient carol = WsClient.connected(ws(doomed.port(), "carol"));
                join(carol, "chat:9");
                assertThat(until(watcher, m -> m instanceof Presence p && p.user().equals("carol")).getLast())
                        .isEqualTo(new Presence("chat:9", "carol", PresenceEvent.JOIN));
                doomed.process().destroyForcibly();
                assertThat(until(watcher, m -> m instanceof Presence p && p.user().equals("carol")).getLast())
                        .as("reported once the node's liveness expired").isEqualTo(new Presence("chat:9", "carol", PresenceEvent.LEAVE));
            }
        }
    }

    @Test
    void aStandaloneNodeReportsPresenceToo() {
        try (Nodes nodes = new Nodes()) {
            int port = nodes.start(List.of("wsgrid.auth.mode=none", "wsgrid.groups.namespaces.chat.presence-events=true"));
            try (WsClient watcher = WsClient.connected(ws(port, "watcher"))) {
                join(watcher, "chat:2");
                try (WsClient bob = WsClient.connected(ws(port, "bob"))) {
                    join(bob, "chat:2");
                    assertThat(until(watcher, m -> m instanceof Presence p && p.user().equals("bob")).getLast())
                            .isEqualTo(new Presence("chat:2", "bob", PresenceEvent.JOIN));
                }
                assertThat(until(watcher, m -> m instanceof Presence p && p.user().equals("bob")).getLast())
                        .isEqualTo(new Presence("chat:2", "bob", PresenceEvent.LEAVE));
            }
        }
    }

    private static void join(WsClient client, String group) {
        client.send("{\"type\":\"join\",\"group\":\"" + group + "\"}");
        until(client, m -> m instanceof ServerMessage.Joined j && j.group().equals(group));
    }

    /** Every frame up to and including the first that matches (within 10 s each). */
    private static List<ServerMessage> until(WsClient client, Predicate<ServerMessage> match) {
        List<ServerMessage> frames = new ArrayList<>();
        while (true) {
            ServerMessage m = client.next();
            frames.add(m);
            if (match.test(m)) {
                return frames;
            }
        }
    }
}
