package io.wsgrid.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PromQL that deploy/ asks Prometheus for, in a form a test can run against a real Prometheus: every target of
 * every Grafana dashboard with its Grafana variables filled in, every dashboard variable's label query, and every
 * alert and recording rule of the rule files.
 */
final class MonitoringQueries {

    /** One query and where it comes from; {@code legendLabels} are the labels its legend shows ({@code {{node}}}). */
    record Query(String where, String promql, Set<String> legendLabels) {
    }

    /** A dashboard variable filled from {@code label_values(metric, label)}. */
    record LabelVariable(String where, String name, String metric, String label) {
    }

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\(\\s*([^,()]+?)\\s*,\\s*(\\w+)\\s*\\)$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
    /** The right-hand side of a threshold: numbers and arithmetic on numbers only ({@code 256 * 1024 * 1024}). */
    private static final Pattern NUMBER_EXPRESSION = Pattern.compile("[\\d.eE+\\-*/%^()\\s]+");

    private MonitoringQueries() {
    }

    /** The targets of one dashboard, with {@code variables} (name to value) substituted. */
    static List<Query> dashboardTargets(Path dashboard, Map<String, String> variables) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(dashboard));
        List<Query> queries = new ArrayList<>();
        collectTargets(dashboard.getFileName().toString(), root.path("panels"), variables, queries);
        return queries;
    }

    private static void collectTargets(String file, JsonNode panels, Map<String, String> variables, List<Query> into) {
        for (JsonNode panel : panels) {
            collectTargets(file, panel.path("panels"), variables, into);
            for (JsonNode target : panel.path("targets")) {
                if (!target.hasNonNull("expr")) {
                    continue;
                }
                Set<String> legend = new LinkedHashSet<>();
                Matcher m = LEGEND_LABEL.matcher(target.path("legendFormat").asString(""));
                while (m.find()) {
                    legend.add(m.group(1));
                }
                String where = file + " panel \"" + panel.path("title").asString() + "\" " + target.path("refId").asString("");
                into.add(new Query(where.strip(), substitute(target.path("expr").asString(), variables), legend));
            }
        }
    }

    /** The dashboard's query variables; any variable query other than {@code label_values(metric, label)} is refused. */
    static List<LabelVariable> dashboardVariables(Path dashboard) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(dashboard));
        List<LabelVariable> variables = new ArrayList<>();
        for (JsonNode v : root.path("templating").path("list")) {
            if (!v.path("type").asString().equals("query")) {
                continue;
            }
            String definition = v.path("definition").asString(v.path("query").path("query").asString(""));
            Matcher m = LABEL_VALUES.matcher(definition.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException(dashboard.getFileName() + " variable " + v.path("name").asString()
                        + ": only label_values(metric, label) is checked, not '" + definition + "'; extend MonitoringQueries");
            }
            variables.add(new LabelVariable(dashboard.getFileName() + " variable $" + v.path("name").asString(),
                    v.path("name").asString(), m.group(1), m.group(2)));
        }
        return variables;
    }

    /**
     * Grafana's {@code $name}, {@code ${name}}, {@code ${name:format}} and {@code [[name]]} replaced by their values;
     * a variable without a value is an error, so a new one cannot slip through unchecked.
     */
    static String substitute(String promql, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(promql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no test value for Grafana variable $" + name + " in: " + promql);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The rule files in {@code dir}: YAML files with a top-level {@code groups} list (not scrape configs or rule tests). */
    static List<Path> ruleFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> rules = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
                Object doc = new Yaml().load(Files.readString(file));
                if (doc instanceof Map<?, ?> map && map.containsKey("groups") && !map.containsKey("tests")) {
                    rules.add(file);
                }
            }
            return rules;
        }
    }

    /**
     * Every rule of a rule file as a query that must return series on a live cluster. A recording rule's
     * expression is taken as it is. An alert's expression is usually a condition, {@code x > 0.05}, which on a
     * healthy cluster rightly returns nothing; what the test must prove is that {@code x} exists, so the trailing
     * comparison with a number ({@link #withoutThreshold}) is dropped.
     */
    @SuppressWarnings("unchecked")
    static List<Query> rules(Path file) throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(file));
        List<Query> queries = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String expr = String.valueOf(rule.get("expr")).strip();
                if (rule.containsKey("alert")) {
                    queries.add(new Query(file.getFileName() + " alert " + rule.get("alert"), withoutThreshold(expr), Set.of()));
                } else {
                    queries.add(new Query(file.getFileName() + " record " + rule.get("record"), expr, Set.of()));
                }
            }
        }
        return queries;
    }

    /**
     * The expression without its threshold: when its last comparison outside any brackets ({@code == != > < >= <=})
     * has only a number or arithmetic on numbers on its right, the left-hand side; otherwise the expression as it is
     * (a comparison of two vectors is already a query of both). Comparison binds more loosely than arithmetic, so the
     * left-hand side is the whole measured quantity: {@code a / clamp_min(b, 1e-9) > 0.05} gives
     * {@code a / clamp_min(b, 1e-9)}. {@code and}, {@code or} and {@code unless} bind more loosely still and are
     * refused rather than split wrongly.
     */
    static String withoutThreshold(String promql) {
        int depth = 0;
        int lastComparison = -1;
        int lastLength = 0;
        for (int i = 0; i < promql.length(); i++) {
            char c = promql.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(promql, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0) {
                String rest = promql.substring(i);
                if (rest.matches("(?s)(and|or|unless)\\b.*") && (i == 0 || !Character.isLetterOrDigit(promql.charAt(i - 1))
                        && promql.charAt(i - 1) != '_')) {
                    throw new IllegalArgumentException("a rule joined with and/or/unless needs its own reduction: " + promql);
                }
                int length = rest.startsWith("==") || rest.startsWith("!=") || rest.startsWith(">=") || rest.startsWith("<=") ? 2
                        : c == '>' || c == '<' ? 1 : 0;
                if (length > 0) {
                    lastComparison = i;
                    lastLength = length;
                    i += length - 1;
                }
            }
        }
        if (lastComparison < 0) {
            return promql.strip();
        }
        String right = promql.substring(lastComparison + lastLength).strip();
        if (right.startsWith("bool ") || !NUMBER_EXPRESSION.matcher(right).matches()) {
            return promql.strip();
        }
        return promql.substring(0, lastComparison).strip();
    }

    private static int endOfString(String s, int open) {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && quote != '`') {
                i++;
            } else if (s.charAt(i) == quote) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated string in: " + s);
    }
}
