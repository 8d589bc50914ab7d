package io.wsgrid.gateway.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code GET /api/history}: the samples as columns, the shape chart libraries take (uPlot draws
 * {@code [times, series...]} as is). Every series has one value per entry of {@code times}; a {@code null} is a gap
 * (a node that did not answer, a backend not there yet, the first sample of a rate).
 *
 * @param intervalMillis the poll interval between samples.
 * @param capacity       how many samples the gateway keeps (the chart window is {@code capacity * intervalMillis}).
 * @param times          when each sample was taken (epoch millis), oldest first.
 * @param cluster        {@code sessions}, {@code gatewaySessions}, {@code messagesPerSecond}, {@code deliveriesPerSecond}.
 * @param handshakes     WebSocket upgrades per second through this gateway over the interval before each sample, by outcome.
 * @param backends       per backend id: {@code connections} (relayed by this gateway), {@code sessions},
 *                       {@code messagesPerSecond}, {@code deliveriesPerSecond} (the node's own figures).
 * @param nodes          per backend id, the node id it last reported (for labels).
 */
record HistoryView(long intervalMillis, int capacity, List<Long> times, Map<String, List<Double>> cluster,
        Map<String, List<Double>> handshakes, Map<String, Map<String, List<Double>>> backends, Map<String, String> nodes) {

    static HistoryView of(List<HistorySample> samples, long intervalMillis, int capacity) {
        List<Long> times = samples.stream().map(HistorySample::atMillis).toList();
        Map<String, List<Double>> cluster = new LinkedHashMap<>();
        cluster.put("sessions", column(samples, s -> (double) s.sessions()));
        cluster.put("gatewaySessions", column(samples, s -> (double) s.gatewaySessions()));
        cluster.put("messagesPerSecond", column(samples, s -> round(s.messagesPerSecond())));
        cluster.put("deliveriesPerSecond", column(samples, s -> round(s.deliveriesPerSecond())));

        Map<String, List<Double>> handshakes = new TreeMap<>();
        TreeSet<String> outcomes = new TreeSet<>();
        samples.forEach(s -> outcomes.addAll(s.handshakes().keySet()));
        for (String outcome : outcomes) {
            Double[] rates = new Double[samples.size()];
            for (int i = 1; i < samples.size(); i++) {
                rates[i] = rate(samples.get(i - 1), samples.get(i), outcome);
            }
            handshakes.put(outcome, Arrays.asList(rates));
        }

        Map<String, Map<String, List<Double>>> backends = new LinkedHashMap<>();
        Map<String, String> nodes = new LinkedHashMap<>();
        for (HistorySample s : samples) {
            s.backends().forEach((id, b) -> {
                backends.computeIfAbsent(id, k -> new LinkedHashMap<>());
                if (b.node() != null) {
                    nodes.put(id, b.node());
                }
            });
        }
        backends.forEach((id, series) -> {
            series.put("connections", column(samples, s -> with(s, id, b -> (double) b.connections())));
            series.put("sessions", column(samples, s -> with(s, id, b -> b.sessions() == null ? null : (double) b.sessions())));
            series.put("messagesPerSecond", column(samples, s -> with(s, id, b -> round(b.messagesPerSecond()))));
            series.put("deliveriesPerSecond", column(samples, s -> with(s, id, b -> round(b.deliveriesPerSecond()))));
        });
        return new HistoryView(intervalMillis, capacity, times, cluster, handshakes, backends, nodes);
    }

    /** Upgrades per second between two samples; null when the counter went back (a restart) or is missing. */
    private static Double rate(HistorySample before, HistorySample after, String outcome) {
        Long from = before.handshakes().get(outcome);
        Long to = after.handshakes().get(outcome);
        long millis = after.atMillis() - before.atMillis();
        if (from == null || to == null || to < from || millis <= 0) {
            return null;
        }
        return round((to - from) * 1000.0 / millis);
    }

    private static Double with(HistorySample s, String backend, Function<HistorySample.PerBackend, Double> value) {
        HistorySample.PerBackend b = s.backends().get(backend);
        return b == null ? null : value.apply(b);
    }

    private static List<Double> column(List<HistorySample> samples, Function<HistorySample, Double> value) {
        List<Double> column = new ArrayList<>(samples.size());
        samples.forEach(s -> column.add(value.apply(s)));
        return column;
    }

    /** Two decimals are plenty for a chart and keep the answer small. */
    private static Double round(Double value) {
        return value == null ? null : Math.round(value * 100) / 100.0;
    }
}
