package io.wsgrid.client.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Turns the JSON lines written by {@code bench/run.sh} into markdown tables, one per scenario, each row with its ratio
 * to the first row of the same table whose label names a peer ("node-ws", "nginx", ...), so figures are only ever
 * compared within one run.
 */
public final class Report {

    /** One benchmark row: its label and flat figures. */
    public record Row(String label, String scenario, Map<String, Object> figures) {
        double number(String key) {
            Object v = figures.get(key);
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    private static final List<String[]> COLUMNS = List.of(
            new String[] {"fanout", "delivered_per_s", "delivered/s"},
            new String[] {"fanout", "server_cpu_us_per_delivery", "server CPU µs/delivery"},
            new String[] {"fanout", "latency_p50_us", "p50 µs"},
            new String[] {"fanout", "latency_p99_us", "p99 µs"},
            new String[] {"direct", "sent_per_s", "sent/s"},
            new String[] {"direct", "latency_p50_us", "p50 µs"},
            new String[] {"direct", "latency_p99_us", "p99 µs"},
            new String[] {"echo", "round_trips_per_s", "round trips/s"},
            new String[] {"echo", "server_cpu_us_per_round_trip", "proxy CPU µs/round trip"},
            new String[] {"echo", "latency_p50_us", "p50 µs"},
            new String[] {"echo", "latency_p99_us", "p99 µs"},
            new String[] {"idle", "rss_kib_per_connection", "RSS KiB/connection"},
            new String[] {"idle", "heap_kib_per_connection", "heap KiB/connection"},
            new String[] {"relay", "kib_per_connection", "KiB/connection"},
            new String[] {"relay", "heap_kib_per_connection", "of it live heap KiB"},
            new String[] {"relay", "outside_heap_kib_per_connection", "of it RSS outside the heap KiB"},
            new String[] {"churn", "handshakes_per_s", "handshakes/s"},
            new String[] {"rest", "requests_per_s", "requests/s"},
            new String[] {"rest", "server_cpu_us_per_request", "server CPU µs/request"},
            new String[] {"rest", "non_2xx", "non-2xx"},
            new String[] {"coldstart", "window_1_per_s", "0-10 s req/s"},
            new String[] {"coldstart", "window_2_per_s", "10-20 s req/s"},
            new String[] {"coldstart", "window_3_per_s", "20-30 s req/s"},
            new String[] {"coldstart", "steady_per_s", "warmed req/s"},
            new String[] {"coldstart", "first_window_cpu_us_per_request", "0-10 s CPU µs/request"},
            new String[] {"coldstart", "ready_ms", "exec to ready ms"});

    /** Where the REST block of the page starts and ends; {@link #withRestBlock} replaces only what is between. */
    static final String REST_BEGIN = "<!-- bench:rest (written by bench/run.sh rest) -->";
    static final String REST_END = "<!-- /bench:rest -->";

    /** The scenarios of the REST block, kept out of the main tables so the page keeps them across partial runs. */
    private static final List<String> REST_SCENARIOS = List.of("rest", "coldstart");

    private Report() {
    }

    public static List<Row> read(Path jsonLines) throws IOException {
        List<Row> rows = new ArrayList<>();
        JsonFactory json = new JsonFactory();
        for (String line : Files.readAllLines(jsonLines)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            try (JsonParser p = json.createParser(ObjectReadContext.empty(), line)) {
                p.nextToken();
                String name;
                while ((name = p.nextName()) != null) {
                    JsonToken t = p.nextToken();
                    figures.put(name, switch (t) {
                        case VALUE_NUMBER_INT -> p.getLongValue();
                        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                        case VALUE_TRUE, VALUE_FALSE -> t == JsonToken.VALUE_TRUE;
                        default -> p.getString();
                    });
                }
            }
            rows.add(new Row(String.valueOf(figures.remove("label")), String.valueOf(figures.remove("scenario")), figures));
        }
        return rows;
    }

    /** Markdown tables, one per scenario present. */
    public static String markdown(List<Row> rows) {
        return markdown(rows, List.of("fanout", "direct", "echo", "idle", "relay", "churn", "rest", "coldstart"));
    }

    /**
     * The page with its REST block (between {@link #REST_BEGIN} and {@link #REST_END}) replaced by this run's REST
     * tables; the block is added before "## Goals" (or at the end) when the page has none. The rest is kept verbatim.
     */
    public static String withRestBlock(String page, List<Row> rows) {
        String block = REST_BEGIN + "\n" + markdown(rows, REST_SCENARIOS) + REST_END;
        int begin = page.indexOf(REST_BEGIN);
        int end = page.indexOf(REST_END);
        if (begin >= 0 && end > begin) {
            return page.substring(0, begin) + block + page.substring(end + REST_END.length());
        }
        int goals = page.indexOf("## Goals");
        return goals >= 0 ? page.substring(0, goals) + block + "\n\n" + page.substring(goals) : page + "\n" + block + "\n";
    }

    /** Hand-written notes (profiles, how a figure was read) start here and survive a rewrite of the page. */
    static final String NOTES = "<!-- notes: kept by bench-report -->";

    /** The new page plus the existing page's notes from {@link #NOTES} on, if it has any. */
    public static String keepNotes(String existing, String page) {
        int notes = existing.indexOf(NOTES);
        return notes < 0 ? page : page + "\n" + existing.substring(notes);
    }

    private static String markdown(List<Row> rows, List<String> scenarios) {
        StringBuilder md = new StringBuilder();
        for (String scenario : scenarios) {
            List<Row> inScenario = rows.stream().filter(r -> r.scenario().equals(scenario)).toList();
            if (inScenario.isEmpty()) {
                continue;
            }
            List<String[]> columns = COLUMNS.stream().filter(c -> c[0].equals(scenario)).toList();
            md.append("| ").append(scenario).append(" |");
            columns.forEach(c -> md.append(' ').append(c[2]).append(" |"));
            md.append("\n|---|");
            columns.forEach(c -> md.append("---:|"));
            md.append('\n');
            for (Row row : inScenario) {
                Row peer = peerOf(row, inScenario);
                md.append("| ").append(row.label()).append(" |");
                for (String[] c : columns) {
                    double v = row.number(c[1]);
                    md.append(' ').append(Double.isNaN(v) ? "-" : format(v));
                    if (peer != null && peer != row && !Double.isNaN(v) && peer.number(c[1]) > 0) {
                        md.append(String.format(Locale.ROOT, " (%.2fx)", v / peer.number(c[1])));
                    }
                    md.append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * The whole benchmarks page: method, the tables, and each goal checked against this run's figures.
     *
     * @param command the command that produced the figures
     * @param chart   the chart's path relative to the page
     */
    public static String page(List<Row> rows, String command, String chart) {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n")
                .append("Produced by `").append(command).append("` on this project's machine (2 cores shared by the load generator,\n")
                .append("the servers and their peers). Absolute numbers are low and noisy here; compare the ratios to the peer\n")
                .append("measured in the same run (in parentheses). Server CPU is the process's user+system time from `/proc` over\n")
                .append("the measured window; on loopback the kernel charges much of the receiver's TCP work to the sender, for\n")
                .append("every server alike.\n\n")
                .append("![cost figures](").append(chart).append(")\n\n");
        md.append(markdown(rows, List.of("fanout", "direct", "echo", "idle", "relay", "churn")));
        md.append(REST_BEGIN).append('\n').append(markdown(rows, REST_SCENARIOS)).append(REST_END).append("\n\n");
        md.append("## Goals\n\n");
        goal(md, rows, "fanout", "ws-node flood", "server_cpu_us_per_delivery", v -> v <= 5,
                "ws-node server CPU per delivered message <= 5 µs at N=5000 (flood)");
        goal(md, rows, "idle", "ws-node idle", "rss_kib_per_connection", v -> v <= 20, "RSS per idle connection <= 20 KiB");
        goal(md, rows, "idle", "ws-node idle", "heap_kib_per_connection", v -> v <= 20, "heap per idle connection <= 20 KiB");
        Row memory = find(rows, "direct", "memory");
        Row redis = find(rows, "direct", "redis");
        Row rabbit = find(rows, "direct", "rabbitmq");
        if (memory != null && redis != null) {
            double added = redis.number("latency_p99_us") - memory.number("latency_p99_us");
            md.append(String.format(Locale.ROOT, "- Redis bus adds <= 2 ms at p99 over one node: %+.0f µs (%s), at %.0f sends/s%n",
                    added, added <= 2000 ? "met" : "not met", redis.number("sent_per_s")));
        }
        if (redis != null && rabbit != null) {
            double ratio = rabbit.number("latency_p99_us") / redis.number("latency_p99_us");
            md.append(String.format(Locale.ROOT, "- RabbitMQ within 2x of Redis at p99: %.2fx (%s)%n", ratio, ratio <= 2 ? "met" : "not met"));
        }
        Row gateway = find(rows, "echo", "gateway");
        Row nginx = find(rows, "echo", "nginx");
        if (gateway != null && nginx != null) {
            double tput = gateway.number("round_trips_per_s") / nginx.number("round_trips_per_s");
            double cpu = gateway.number("server_cpu_us_per_round_trip") / nginx.number("server_cpu_us_per_round_trip");
            md.append(String.format(Locale.ROOT, "- Gateway throughput >= 1.1x nginx: %.2fx (%s)%n", tput, tput >= 1.1 ? "met" : "not met"));
            md.append(String.format(Locale.ROOT, "- Gateway CPU per round trip <= 1.0x nginx: %.2fx (%s)%n", cpu, cpu <= 1.0 ? "met" : "not met"));
        }
        Row gatewayIdle = find(rows, "relay", "gateway");
        Row nginxIdle = find(rows, "relay", "nginx");
        if (gatewayIdle != null && nginxIdle != null) {
            double ratio = gatewayIdle.number("kib_per_connection") / nginxIdle.number("kib_per_connection");
            md.append(String.format(Locale.ROOT, "- Gateway memory per relayed idle connection <= 1.0x nginx: %.2fx (%s)%n", ratio,
                    ratio <= 1.0 ? "met" : "not met"));
        }
        md.append("""

                ## Reading these figures on this machine

                - Fan-out "flood" sends the broadcasts as fast as 8 in-flight REST calls allow; ws-node coalesces the frames
                  of one event-loop iteration into one `writev` per socket, which is where its CPU advantage comes from.
                  Flood latencies are queueing behind all broadcasts sent at once, not steady-state latency.
                - At 10 broadcasts/s every delivery is its own `write()`; on this VM that costs about 7 µs of kernel time
                  for any server, so ws-node and Node `ws` are level there (ws-node spends less user time).
                - "ws-node direct echo" is the node itself without a proxy (its CPU is the node's), for scale.
                - Idle memory is the slope between the first and last `IDLE_STEPS`; 50,000 connections need more than this
                  machine's hard limit of 20,000 open files per process, so the default steps stop at 18,000.
                - The cluster goal's 10,000 messages/s is out of reach with three nodes, Redis, RabbitMQ and the load
                  generator on two cores (REST handling tops out near 3,500 sends/s even for one node); the run uses the
                  highest rate all modes sustain (`CLUSTER_RATE`), and its p99 figures are dominated by scheduling noise.
                """);
        return md.toString();
    }

    private static void goal(StringBuilder md, List<Row> rows, String scenario, String label, String key,
            java.util.function.DoublePredicate met, String text) {
        Row row = find(rows, scenario, label);
        if (row != null && !Double.isNaN(row.number(key))) {
            md.append(String.format(Locale.ROOT, "- %s: %.2f (%s)%n", text, row.number(key), met.test(row.number(key)) ? "met" : "not met"));
        }
    }

    private static Row find(List<Row> rows, String scenario, String labelPrefix) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.label().startsWith(labelPrefix)).findFirst().orElse(null);
    }

    /** The row this row is compared with: the peer row with the same suffix (e.g. "10/s") in the same table. */
    private static Row peerOf(Row row, List<Row> table) {
        if (row.scenario().equals("direct")) {
            // Cluster modes are compared with the single node.
            return table.stream().filter(r -> r.label().startsWith("memory")).findFirst().orElse(null);
        }
        String suffix = row.label().contains(" ") ? row.label().substring(row.label().indexOf(' ')) : "";
        for (Row candidate : table) {
            boolean isPeer = !candidate.label().startsWith("ws-node") && !candidate.label().startsWith("gateway")
                    && !candidate.label().startsWith("memory");
            if (isPeer && candidate.label().endsWith(suffix)) {
                return candidate;
            }
        }
        return null;
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
