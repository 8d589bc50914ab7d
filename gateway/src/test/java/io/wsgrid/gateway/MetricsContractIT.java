package io.wsgrid.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsgrid.gateway.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Prometheus rules in {@code deploy/} may only use what the apps really export: every
 * metric they name, and every label they match on, must be in a scrape of a running gateway and a clustered ws-node.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0", "wsgrid.admin.password=test-secret"})
class MetricsContractIT {

    private static final Path DEPLOY = Path.of(System.getProperty("user.dir")).resolveSibling("deploy");
    /** Series Prometheus makes itself rather than scraping. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /** Labels Prometheus attaches to every scraped series. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)\\s*(\\{[^}]*})?");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and",
            "or", "unless", "bool", "offset");

    static NodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        // Clustered, so the bus meters exist too.
        node = NodeProcess.startRedisCluster(List.of("metrics")).getFirst();
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("wsgrid.gateway.backends", () -> node.url());
    }

    @LocalServerPort
    int adminPort;

    /** One series of a scrape: its metric name and labels. */
    record Series(String name, Map<String, String> labels) {
    }

    @Test
    void everyMetricAndLabelOfTheDashboardAndRulesIsExported() throws Exception {
        List<Series> exported = new ArrayList<>();
        exported.addAll(scrape(node.url()));
        exported.addAll(scrape("http://127.0.0.1:" + adminPort));

        Map<String, String> queries = new HashMap<>();
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DEPLOY.resolve("grafana/wsgrid.json")));
        for (JsonNode expr : dashboard.findValues("expr")) {
            queries.put(expr.asString(), "dashboard");
        }
        for (JsonNode definition : dashboard.findValues("definition")) {
            // label_values(metric, label)
            String args = definition.asString().replaceFirst("^label_values\\((.*)\\)$", "$1");
            queries.put(args.split(",")[0].trim(), "dashboard variable");
        }
        Map<String, Object> rules = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        for (Map<String, Object> group : list(rules.get("groups"))) {
            for (Map<String, Object> rule : list(group.get("rules"))) {
                queries.put(String.valueOf(rule.get("expr")), "alert " + rule.get("alert"));
            }
        }
        assertThat(queries).hasSizeGreaterThan(20);

        Set<String> problems = new TreeSet<>();
        Set<String> checked = new HashSet<>();
        queries.forEach((query, where) -> {
            for (Selector s : selectors(query)) {
                checked.add(s.metric());
                problems.addAll(check(s, exported, where));
            }
        });
        assertThat(checked).contains("wsgrid_sessions", "wsgrid_delivery_latency_seconds_bucket", "wsgrid_gateway_handshakes_total",
                "wsgrid_bus_publish_failures_total");
        assertThat(problems).as("metrics or labels named in deploy/ but not exported").isEmpty();
    }

    @Test
    void theExtractorFindsMetricsNotFunctionsLabelsOrNumbers() {
        assertThat(selectors("histogram_quantile(0.99, sum by (le, bus) (rate(x_bucket{a=\"b\", c=~\"$node\"}[5m]))) > 1e-9 and on (node) y"))
                .containsExactly(new Selector("x_bucket", Map.of("a", "=b", "c", "=~$node")), new Selector("y", Map.of()));
    }

    @Test
    void theScrapeConfigNamesTheJobsTheRulesUse() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
        List<String> jobs = list(config.get("scrape_configs")).stream().map(c -> String.valueOf(c.get("job_name"))).toList();
        assertThat(jobs).containsExactlyInAnyOrder("ws-node", "gateway");
        assertThat(list(config.get("scrape_configs"))).allSatisfy(c -> assertThat(c.get("metrics_path")).isEqualTo("/actuator/prometheus"));
    }

    /** A metric and its label matchers ({@code label -> operator + value}). */
    record Selector(String metric, Map<String, String> matchers) {
    }

    static List<Selector> selectors(String promql) {
        // Grouping clauses list labels, not metrics; string literals and ranges hold no names either.
        String query = promql.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\[[^\\]]*]", " ");
        List<Selector> found = new ArrayList<>();
        Matcher m = SELECTOR.matcher(query);
        while (m.find()) {
            String name = m.group(1);
            int after = m.end(1);
            while (after < query.length() && query.charAt(after) == ' ') {
                after++;
            }
            boolean function = m.group(2) == null && after < query.length() && query.charAt(after) == '(';
            if (function || KEYWORDS.contains(name) || name.matches("\\d.*")) {
                continue;
            }
            Map<String, String> matchers = new HashMap<>();
            if (m.group(2) != null) {
                Matcher lm = MATCHER.matcher(m.group(2));
                while (lm.find()) {
                    matchers.put(lm.group(1), lm.group(2) + lm.group(3));
                }
            }
            found.add(new Selector(name, matchers));
        }
        return found;
    }

    private static List<String> check(Selector s, List<Series> exported, String where) {
        if (PROMETHEUS_OWN.contains(s.metric())) {
            return List.of();
        }
        List<Series> series = exported.stream().filter(e -> e.name().equals(s.metric())).toList();
        if (series.isEmpty()) {
            return List.of(where + ": metric " + s.metric() + " is not exported");
        }
        List<String> problems = new ArrayList<>();
        s.matchers().forEach((label, matcher) -> {
            if (TARGET_LABELS.contains(label)) {
                return;
            }
            if (series.stream().noneMatch(e -> e.labels().containsKey(label))) {
                problems.add(where + ": " + s.metric() + " has no label " + label);
            } else if (matcher.startsWith("=") && !matcher.startsWith("=~")
                    && series.stream().noneMatch(e -> matcher.substring(1).equals(e.labels().get(label)))) {
                problems.add(where + ": no " + s.metric() + " series has " + label + matcher);
            }
        });
        return problems;
    }

    private static List<Series> scrape(String base) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Series> series = new ArrayList<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][\\w:]*)(?:\\{(.*)})?\\s");
        for (String text : response.body().split("\n")) {
            Matcher m = line.matcher(text);
            if (!text.startsWith("#") && m.find()) {
                Map<String, String> labels = new HashMap<>();
                if (m.group(2) != null) {
                    Matcher lm = MATCHER.matcher(m.group(2));
                    while (lm.find()) {
                        labels.put(lm.group(1), lm.group(3));
                    }
                }
                series.add(new Series(m.group(1), labels));
            }
        }
        return series;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
