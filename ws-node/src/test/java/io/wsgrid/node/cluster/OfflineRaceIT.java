package io.wsgrid.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.wsgrid.common.protocol.ServerMessage.Delivery;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1000 user-directed sends racing 50 connects of offline users: every message arrives exactly once and in send order,
 * whether it was queued before the connect, drained by it, or delivered live after it.
 */
class OfflineRaceIT {

    private static final int USERS = 50;
    private static final int PER_USER = 20;

    @Test
    void sendsRacingConnectsAreDeliveredExactlyOnceInOrder() throws Exception {
        Services.requireRedis();
        try (Nodes nodes = new Nodes(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String name = Nodes.uniqueName("race");
            int a = nodes.start(Nodes.clusterProperties("redis", name, "a"));
            int b = nodes.start(Nodes.clusterProperties("redis", name, "b"));
            int c = nodes.start(Nodes.clusterProperties("redis", name, "c"));
            Rest viaC = new Rest(c);

            List<CompletableFuture<WsClient>> clients = new ArrayList<>();
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            // What each send answered (sent or queued, with its offset), to tell which path lost a message.
            String[][] answers = new String[USERS][PER_USER];
            for (int u = 0; u < USERS; u++) {
                String user = "racer" + u;
                int home = u % 2 == 0 ? a : b;
                int index = u;
                // Each user's messages go out one after another through node C, so their order is defined.
                senders.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < PER_USER; i++) {
                        Rest.Response sent = viaC.post("/api/v1/users/" + user + "/messages", "{\"data\":" + i + "}");
                        assertThat(sent.status()).isEqualTo(202);
                        answers[index][i] = sent.body().replaceAll(".*\"status\":\"(\\w+)\",\"offset\":(\\d+).*", "$1@$2");
                    }
                }, pool));
                long delay = ThreadLocalRandom.current().nextLong(300);
                clients.add(CompletableFuture.supplyAsync(() -> {
                    sleepQuietly(delay);
                    return WsClient.connected("ws://127.0.0.1:" + home + "/ws?user_id=" + user);
                }, pool));
            }
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            List<String> wrong = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                try (WsClient client = clients.get(u).get(30, TimeUnit.SECONDS)) {
                    List<String> got = new ArrayList<>();
                    while (got.size() < PER_USER) {
                        try {
                            got.add(client.expect(Delivery.class).data().json());
                        }
                        catch (AssertionError timedOut) {
                            break;
                        }
                    }
                    if (!got.equals(List.of(expected())) || client.receivesWithin(100)) {
                        wrong.add("racer" + u + " on " + (u % 2 == 0 ? "a" : "b") + " got " + got + " of sends answered "
                                + List.of(answers[u]));
                    }
                }
            }
            assertThat(wrong).as("users whose messages were missing, out of order or doubled").isEmpty();
        }
    }

    private static String[] expected() {
        String[] out = new String[PER_USER];
        for (int i = 0; i < PER_USER; i++) {
            out[i] = Integer.toString(i);
        }
        return out;
    }

    /** The connect delay is the variable under test here, not a wait for a condition. */
    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
