package io.wsgrid.node.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsgrid.node.support.FailoverProxy;
import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery promise under the fault a cluster meets most: a node process killed with SIGKILL while REST traffic
 * flows. Three nodes, 50 users with resuming clients spread over them through one address (a layer-4
 * failover proxy), about 200 REST sends a second to random users through the two nodes that survive; the third, a
 * separate process, is killed half-way. Every message answered 202 must reach its user exactly once: per user the client delivers the
 * offsets 1, 2, 3, ... without a gap, and no session ever receives one it had seen (the client's duplicate counter
 * stays 0).
 */
class KillUnderTrafficIT {

    private static final int USERS = 50;
    private static final int SENDS = 2_000;
    private static final long PACE_MICROS = 5_000;
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

    /** The survivor's non-zero drop counters ({@code wsgrid_drops_total} by reason), for the report line. */
    private static String drops(Rest node) {
        StringBuilder out = new StringBuilder();
        for (String line : node.get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith("wsgrid_drops_total") && !line.endsWith(" 0.0")) {
                Matcher m = Pattern.compile("reason=\"([^\"]+)\".* (\\S+)$").matcher(line);
                if (m.find()) {
                    out.append(m.group(1)).append('=').append(m.group(2)).append(' ');
                }
            }
        }
        return out.toString().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "rabbitmq"})
    void everyAcceptedMessageReachesItsUserExactlyOnceAcrossAKill(String bus) throws Exception {
        Services.requireRedis();
        if (bus.equals("rabbitmq")) {
            Services.requireRabbitMq();
        }
        String name = Nodes.uniqueName("kill9-" + bus);
        HttpClient http = HttpClient.newHttpClient();
        List<Inbox> inboxes = new ArrayList<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (Nodes nodes = new Nodes()) {
            // The node to kill is a real process (SIGKILL); the survivors run in this JVM, which starts them far faster
            // on a busy machine and changes nothing about what the kill does to the cluster.
            CompletableFuture<Nodes.Started> starting = CompletableFuture.supplyAsync(() -> {
                try {
                    return nodes.startProcess(Nodes.clusterProperties(bus, name, "doomed"));
                }
                catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            int bPort = nodes.start(Nodes.clusterProperties(bus, name, "b"));
            int cPort = nodes.start(Nodes.clusterProperties(bus, name, "c"));
            Nodes.Started doomed = starting.get(150, TimeUnit.SECONDS);
            List<Rest> survivors = List.of(new Rest(bPort), new Rest(cPort));
            for (Rest rest : survivors) {
                await().atMost(Duration.ofSeconds(30)).until(() -> rest.get("/actuator/health").status() == 200);
            }

            try (FailoverProxy front = new FailoverProxy(List.of(doomed.port(), bPort, cPort))) {
                URI url = URI.create("ws://127.0.0.1:" + front.port() + "/ws");
                for (int u = 0; u < USERS; u++) {
                    inboxes.add(new Inbox("user" + u, url, http));
                }
                CompletableFuture.allOf(inboxes.stream().map(i -> i.client.connect()).toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
                long onDoomed = inboxes.stream().filter(i -> "doomed".equals(i.node)).count();
                assertThat(onDoomed).as("users on the node to kill").isPositive();

                AtomicInteger sent = new AtomicInteger();
                Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
                List<CompletableFuture<?>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
                ScheduledFuture<?> pacing = pacer.scheduleAtFixedRate(() -> {
                    int n = sent.incrementAndGet();
                    if (n > SENDS) {
                        return;
                    }
                    Inbox to = inboxes.get(ThreadLocalRandom.current().nextInt(USERS));
                    calls.add(survivors.get(n % 2).postAsync("/api/v1/users/" + to.user + "/messages", "{\"data\":" + n + "}")
                            .handle((response, error) -> {
                                int status = error != null ? -1 : response.status();
                                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                                if (status == 202) {
                                    Matcher m = OFFSET.matcher(response.body());
                                    if (m.find()) {
                                        to.accepted.add(Long.parseLong(m.group(1)));
                                    }
                                }
                                return null;
                            }));
                }, 0, PACE_MICROS, TimeUnit.MICROSECONDS);

                await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= SENDS / 2);
                doomed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                long killed = System.nanoTime();

                await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= SENDS);
                pacing.cancel(false);
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                long lastAnswer = System.nanoTime();

                boolean healed = true;
                try {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                            .until(() -> inboxes.stream().allMatch(i -> i.missing().isEmpty()));
                }
                catch (ConditionTimeoutException e) {
                    healed = false;
                }
                long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAnswer);
                long reconnectMillis = inboxes.stream().filter(i -> i.connectedNanos > killed)
                        .mapToLong(i -> TimeUnit.NANOSECONDS.toMillis(i.connectedNanos - killed)).max().orElse(-1);
                long moved = inboxes.stream().filter(i -> i.connectedNanos > killed).count();
                int accepted = inboxes.stream().mapToInt(i -> i.accepted.size()).sum();
                long lost = inboxes.stream().mapToLong(i -> i.missing().size()).sum();
                long delivered = inboxes.stream().mapToLong(i -> i.delivered.size()).sum();
                long duplicates = inboxes.stream().mapToLong(Inbox::duplicates).sum();
                long gappy = inboxes.stream().filter(i -> !i.contiguous()).count();
                long unrecovered = inboxes.stream().mapToLong(i -> i.recoveries.stream().filter(r -> !r.user()).count()).sum();
                String drops = survivors.stream().map(KillUnderTrafficIT::drops).toList().toString();
                List<Long> reconnects = inboxes.stream().filter(i -> i.connectedNanos > killed)
                        .map(i -> TimeUnit.NANOSECONDS.toMillis(i.connectedNanos - killed)).sorted().toList();
                System.out.printf("FAULT kill-9 bus=%s users=%d sends=%d statuses=%s accepted=%d delivered=%d lost=%d duplicates=%d "
                        + "gappyUsers=%d unrecoveredResumes=%d usersOnKilledNode=%d reconnected=%d reconnectMs=%d (each %s) "
                        + "settledAfterLastAnswerMs=%d survivorDrops=%s missing=%s%n",
                        bus, USERS, SENDS, new TreeMap<>(statuses), accepted, delivered, lost, duplicates, gappy, unrecovered, onDoomed,
                        moved, reconnectMillis, reconnects, settledMillis, drops,
                        inboxes.stream().filter(i -> !i.missing().isEmpty()).map(i -> i.user + "@" + i.node + i.missing()).toList());

                inboxes.stream().filter(i -> !i.missing().isEmpty() || !i.contiguous() || i.duplicates() > 0)
                        .forEach(i -> System.out.println("FAULT kill-9 detail " + i.report()));
                assertThat(statuses.keySet()).as("answers of the surviving nodes").containsOnly(202);
                for (Inbox inbox : inboxes) {
                    assertThat(inbox.missing()).as("accepted but never delivered to " + inbox.user + " (on " + inbox.node + ")").isEmpty();
                    assertThat(inbox.contiguous()).as(inbox.user + " got offsets " + inbox.delivered).isTrue();
                    assertThat(inbox.duplicates()).as("duplicates the client of " + inbox.user + " had to drop").isZero();
                    assertThat(inbox.epochs).as("epochs of " + inbox.user).hasSizeLessThanOrEqualTo(1);
                }
                assertThat(healed).isTrue();
                assertThat(moved).as("clients that reconnected after the kill").isGreaterThanOrEqualTo(onDoomed);
                assertThat(inboxes).allMatch(i -> !"doomed".equals(i.node));
            }
        }
        finally {
            pacer.shutdownNow();
            inboxes.forEach(Inbox::close);
        }
    }
}
