package io.wsgrid.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static io.wsgrid.e2e.AppConfig.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus's own checker on deploy/prometheus: the rules and the scrape config load ({@code promtool check}), and
 * the rules' unit tests in {@code alerts.test.yml} pass ({@code promtool test rules}), with for every alert a case
 * where it fires and one where it does not.
 */
class PromtoolIT {

    private static final Path PROMETHEUS = ROOT.resolve("deploy/prometheus");
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Machine.tool("promtool", "apt-get install prometheus; .ci/run installs it");
    }

    @Test
    void theRulesLoad() throws Exception {
        for (Path file : MonitoringQueries.ruleFiles(PROMETHEUS)) {
            Machine.Result check = Machine.run(PROMETHEUS, Duration.ofMinutes(1), promtool.toString(), "check", "rules", file.toString());
            assertThat(check.exit()).as(check.output()).isZero();
            assertThat(check.output()).contains("SUCCESS: " + rules(file, false).size() + " rules found");
        }
    }

    @Test
    void theScrapeConfigLoads() throws Exception {
        // prometheus.yml names its rules by their path in the container (/etc/prometheus/alerts.yml); check a copy that
        // names them where they are here, so promtool also loads the rules the config points at.
        String config = Files.readString(PROMETHEUS.resolve("prometheus.yml"))
                .replace("/etc/prometheus/", PROMETHEUS.toAbsolutePath() + "/");
        Path copy = Files.createTempFile("wsgrid-prometheus", ".yml");
        try {
            Files.writeString(copy, config);
            Machine.Result check = Machine.run(PROMETHEUS, Duration.ofMinutes(1), promtool.toString(), "check", "config", copy.toString());
            assertThat(check.exit()).as(check.output()).isZero();
            assertThat(check.output()).contains("SUCCESS");
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    @Test
    void theAlertUnitTestsPass() throws Exception {
        Machine.Result test = Machine.run(PROMETHEUS, Duration.ofMinutes(2), promtool.toString(), "test", "rules", "alerts.test.yml");
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasAFiringAndANotFiringCase() throws Exception {
        Map<String, Object> tests = new Yaml().load(Files.readString(PROMETHEUS.resolve("alerts.test.yml")));
        Map<String, Set<String>> cases = new TreeMap<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                List<?> expected = (List<?>) check.get("exp_alerts");
                cases.computeIfAbsent(String.valueOf(check.get("alertname")), a -> new TreeSet<>())
                        .add(expected == null || expected.isEmpty() ? "does not fire" : "fires");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String alert : rules(PROMETHEUS.resolve("alerts.yml"), true)) {
            Set<String> has = cases.getOrDefault(alert, Set.of());
            if (!has.equals(Set.of("fires", "does not fire"))) {
                missing.add(alert + " has only " + has);
            }
        }
        assertThat(missing).as("alerts.test.yml needs, for each alert, a case where it fires and one where it does not").isEmpty();
    }

    /** The names of a rule file's rules: only its alerts, or its alerts and recording rules. */
    @SuppressWarnings("unchecked")
    private static List<String> rules(Path file, boolean alertsOnly) throws Exception {
        Map<String, Object> doc = new Yaml().load(Files.readString(file));
        List<String> names = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                if (rule.containsKey("alert")) {
                    names.add(String.valueOf(rule.get("alert")));
                } else if (!alertsOnly) {
                    names.add(String.valueOf(rule.get("record")));
                }
            }
        }
        return names;
    }
}
