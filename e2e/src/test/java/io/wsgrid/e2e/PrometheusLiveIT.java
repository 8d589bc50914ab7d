package io.wsgrid.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.wsgrid.client.WsGridClient;
import io.wsgrid.common.protocol.RawJson;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import static io.wsgrid.e2e.AppConfig.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitoring in deploy/ proven against a real Prometheus rather than by reading it: Prometheus scrapes a running
 * cluster (gateway and two ws-nodes on the Redis bus) with deploy/prometheus/prometheus.yml's jobs and loads
 * deploy/prometheus's rule files, traffic flows through the gateway, and every expression of every Grafana dashboard
 * and every rule must return at least one series. An expression that returns nothing draws an empty panel or is an
 * alert that can never fire, which is what reading the files cannot catch.
 */
class PrometheusLiveIT {

    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /**
     * Grafana's {@code $__rate_interval} is max({@code $__interval} + scrape interval, 4 x scrape interval): 4 s at the
     * 1 s scrape interval used here. {@code $__interval} depends on the panel's width and time range; 4 s is what a
     * zoomed-in panel gets, and the shortest window {@code rate()} still answers at this scrape interval.
     */
    private static final String RATE_INTERVAL = "4s";
    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave");

    private static final Deque<AutoCloseable> started = new ArrayDeque<>();
    private static final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private static final AtomicLong sendFailures = new AtomicLong();
    private static final List<WsGridClient> clients = new ArrayList<>();
    private static PrometheusServer prometheus;
    private static JarProcess gateway;
    private static int gatewayPort;
    private static List<String> nodeIds;

    @BeforeAll
    static void startClusterPrometheusAndTraffic() throws Exception {
        Path binary = Machine.tool("prometheus", "apt-get install prometheus; .ci/run installs it");
        Machine.requireRedis();
        int[] ports = Machine.freePorts(4);
        gatewayPort = ports[3];
        Path logs = ROOT.resolve("e2e/target/prometheus-live");
        String prefix = "wsgrid-live-" + Long.toHexString(System.nanoTime());
        nodeIds = List.of("live1", "live2");
        List<JarProcess> nodes = new ArrayList<>();
        for (int i = 0; i < nodeIds.size(); i++) {
            nodes.add(closeLater(JarProcess.launch(logs, "ws-node", nodeIds.get(i), ports[i], "--wsgrid.node.id=" + nodeIds.get(i),
                    "--wsgrid.auth.mode=none", "--wsgrid.cluster.bus=redis", "--wsgrid.cluster.redis.prefix=" + prefix)));
        }
        gateway = closeLater(JarProcess.launch(logs, "gateway", "gateway", ports[2], "--wsgrid.gateway.port=" + gatewayPort,
                "--wsgrid.gateway.backends=" + String.join(",", nodes.stream().map(JarProcess::url).toList()),
                "--wsgrid.admin.password=live-secret", "--wsgrid.gateway.health.timeout=3s"));
        for (JarProcess app : nodes) {
            app.awaitReady();
        }
        gateway.awaitReady();

        prometheus = closeLater(PrometheusServer.start(binary, scrapeConfig(nodes, gateway)));
        // Every target scraped under the job deploy/'s rules and dashboard select on.
        awaitQuery("all three targets up", () -> {
            Map<String, Long> upByJob = new LinkedHashMap<>();
            for (JsonNode s : prometheus.query("up == 1")) {
                upByJob.merge(s.path("metric").path("job").asString(), 1L, Long::sum);
            }
            return upByJob.equals(Map.of("ws-node", 2L, "gateway", 1L)) ? null : "up == 1 by job: " + upByJob;
        });
        awaitQuery("the gateway sees both nodes UP", () ->
                prometheus.query("sum(wsgrid_gateway_backend_up) == 2").isEmpty() ? "backends not both UP yet" : null);

        startTraffic();
    }

    /** deploy/prometheus/prometheus.yml with this test's targets, a 1 s scrape and evaluation interval, and deploy's rules. */
    @SuppressWarnings("unchecked")
    private static String scrapeConfig(List<JarProcess> nodes, JarProcess gateway) throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
        Map<String, Object> global = (Map<String, Object>) config.computeIfAbsent("global", k -> new LinkedHashMap<>());
        global.put("scrape_interval", "1s");
        global.put("scrape_timeout", "1s");
        global.put("evaluation_interval", "1s");
        config.put("rule_files", MonitoringQueries.ruleFiles(DEPLOY.resolve("prometheus")).stream().map(Path::toString).toList());
        for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
            List<String> targets = switch (String.valueOf(job.get("job_name"))) {
                case "ws-node" -> nodes.stream().map(JarProcess::target).toList();
                case "gateway" -> List.of(gateway.target());
                default -> throw new IllegalStateException("deploy/prometheus/prometheus.yml has a job this test does not know: "
                        + job.get("job_name") + "; give it targets here");
            };
            job.put("static_configs", List.of(Map.of("targets", targets)));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(config);
    }

    /**
     * Sessions on both nodes through the gateway, each in one group; a message queued for an offline user who then
     * connects; then, every 100 ms until the end, a REST send to one user, a REST group message, a publish from a
     * client and now and then a broadcast: user, group and broadcast deliveries, local and across the bus.
     */
    private static void startTraffic() throws Exception {
        post("/api/v1/users/olga/messages", "{\"data\":\"while away\"}");
        List<String> everyone = new ArrayList<>(USERS);
        everyone.add("olga");
        for (String user : everyone) {
            WsGridClient client = WsGridClient.builder().url(URI.create("ws://127.0.0.1:" + gatewayPort + "/ws")).user(user)
                    .onMessage(m -> received.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet()).build();
            clients.add(client);
            closeLater(client::close);
            client.connect().orTimeout(60, TimeUnit.SECONDS).join();
            client.join("room").orTimeout(10, TimeUnit.SECONDS).join();
        }
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        closeLater(traffic::shutdownNow);
        AtomicInteger tick = new AtomicInteger();
        traffic.scheduleAtFixedRate(() -> {
            int n = tick.getAndIncrement();
            try {
                post("/api/v1/users/" + USERS.get(n % USERS.size()) + "/messages", "{\"data\":{\"n\":" + n + "}}");
                post("/api/v1/groups/room/messages", "{\"data\":{\"n\":" + n + "}}");
                clients.get(n % clients.size()).publish("room", RawJson.of("{\"n\":" + n + "}"));
                if (n % 10 == 0) {
                    post("/api/v1/broadcast", "{\"data\":{\"n\":" + n + "}}");
                }
            } catch (Exception | AssertionError e) {
                sendFailures.incrementAndGet();
            }
        }, 0, 100, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(received.get("olga")).as("olga's queued message and the group traffic").isNotNull().hasValueGreaterThan(5);
            for (String user : USERS) {
                assertThat(received.get(user)).as(user + "'s deliveries").isNotNull().hasValueGreaterThan(10);
            }
        });
        // Rates over RATE_INTERVAL need a few scrapes of the traffic.
        awaitQuery("deliveries counted by Prometheus", () ->
                prometheus.query("sum(rate(wsgrid_deliveries_total[" + RATE_INTERVAL + "])) > 0").isEmpty() ? "no delivery rate yet" : null);
    }

    @AfterAll
    static void stopEverything() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("PrometheusLiveIT cleanup: " + e);
            }
        }
    }

    @Test
    void everyDashboardVariableHasValues() throws Exception {
        for (Path dashboard : dashboards()) {
            for (MonitoringQueries.LabelVariable v : MonitoringQueries.dashboardVariables(dashboard)) {
                List<String> values = new ArrayList<>();
                prometheus.api("/api/v1/label/" + v.label() + "/values?match[]=" + URLEncoder.encode(v.metric(), StandardCharsets.UTF_8))
                        .forEach(value -> values.add(value.asString()));
                if (v.name().equals("node")) {
                    assertThat(values).as(v.where()).containsExactlyInAnyOrderElementsOf(nodeIds);
                } else {
                    assertThat(values).as(v.where()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void everyDashboardExpressionReturnsSeriesWithTheLabelsItsLegendShows() throws Exception {
        List<MonitoringQueries.Query> queries = new ArrayList<>();
        // One node picked as a user would in the $node drop-down: the label must match across the node panels' metrics.
        Map<String, String> variables = Map.of("node", nodeIds.getFirst(), "__rate_interval", RATE_INTERVAL,
                "__interval", RATE_INTERVAL, "interval", RATE_INTERVAL);
        for (Path dashboard : dashboards()) {
            queries.addAll(MonitoringQueries.dashboardTargets(dashboard, variables));
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
        awaitEvery(queries);
    }

    @Test
    void everyRuleExpressionReturnsSeries() throws Exception {
        List<MonitoringQueries.Query> queries = new ArrayList<>();
        for (Path file : MonitoringQueries.ruleFiles(DEPLOY.resolve("prometheus"))) {
            queries.addAll(MonitoringQueries.rules(file));
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
        awaitEvery(queries);
    }

    @Test
    void prometheusEvaluatesEveryRuleWithoutError() throws Exception {
        awaitQuery("every rule evaluated", () -> {
            List<String> problems = new ArrayList<>();
            int rules = 0;
            for (JsonNode group : prometheus.api("/api/v1/rules").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    rules++;
                    if (!rule.path("health").asString().equals("ok")) {
                        problems.add(rule.path("name").asString() + ": " + rule.path("health").asString() + " "
                                + rule.path("lastError").asString());
                    }
                }
            }
            return rules == 0 ? "no rules loaded" : problems.isEmpty() ? null : String.join("; ", problems);
        });
    }

    @Test
    void handshakesThroughTheGatewayCountAsSucceeded() throws Exception {
        // WsgridHandshakeFailures names the successful outcomes in a regex; if the gateway renamed them, every
        // handshake would count as failed and the alert would fire on a healthy cluster. Here all handshakes succeeded.
        String ratio = MonitoringQueries.rules(DEPLOY.resolve("prometheus/alerts.yml")).stream()
                .filter(q -> q.where().endsWith("WsgridHandshakeFailures")).findFirst().orElseThrow().promql();
        List<JsonNode> result = prometheus.query(ratio);
        assertThat(result).hasSize(1);
        assertThat(result.getFirst().path("value").get(1).asString()).as(ratio).isEqualTo("0");
        assertThat(sendFailures.get()).as("sends through the gateway that failed").isZero();
    }

    /**
     * Waits until every query returns at least one series, each with the labels its legend names; a series may take
     * a few scrapes to appear (a rate needs two samples). Fails listing every query still empty.
     */
    private static void awaitEvery(List<MonitoringQueries.Query> queries) {
        awaitQuery("every expression returns series", () -> {
            List<String> problems = new ArrayList<>();
            for (MonitoringQueries.Query q : queries) {
                List<JsonNode> series = prometheus.query(q.promql());
                if (series.isEmpty()) {
                    problems.add(q.where() + ": no series for " + q.promql());
                }
                for (String label : q.legendLabels()) {
                    if (series.stream().anyMatch(s -> !s.path("metric").has(label))) {
                        problems.add(q.where() + ": legend shows {{" + label + "}} but the series have no " + label + " label: " + q.promql());
                    }
                }
            }
            return problems.isEmpty() ? null : String.join("\n  ", problems);
        });
    }

    /** A check that returns null when satisfied, else what is wrong. */
    private interface Check {
        String problem() throws Exception;
    }

    private static void awaitQuery(String what, Check check) {
        String[] last = {"not checked yet"};
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last[0] = check.problem();
                return last[0] == null;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ":\n  " + last[0] + "\nPrometheus log:\n" + prometheus.log(), e);
        }
    }

    private static List<Path> dashboards() throws Exception {
        try (var files = Files.list(DEPLOY.resolve("grafana"))) {
            List<Path> found = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(found).isNotEmpty();
            return found;
        }
    }

    private static void post(String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(202);
    }

    private static <T extends AutoCloseable> T closeLater(T resource) {
        started.push(resource);
        return resource;
    }
}
