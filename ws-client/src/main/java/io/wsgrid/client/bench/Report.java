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
            new String[] {"churn", "handshakes_per_s", "handshakes/s"});

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
        StringBuilder md = new StringBuilder();
        for (String scenario : List.of("fanout", "direct", "echo", "idle", "churn")) {
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
