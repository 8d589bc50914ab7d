package io.wsgrid.client.bench;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** Figures of one benchmark run, in insertion order; printed as a table or as JSON. */
public final class Result {

    private final String scenario;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    Result(String scenario) {
        this.scenario = scenario;
    }

    Result put(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    Result latency(Histogram micros) {
        put("latency_p50_us", micros.getValueAtPercentile(50));
        put("latency_p99_us", micros.getValueAtPercentile(99));
        put("latency_p999_us", micros.getValueAtPercentile(99.9));
        put("latency_max_us", micros.getMaxValue());
        put("latency_samples", micros.getTotalCount());
        return this;
    }

    public String scenario() {
        return scenario;
    }

    public Map<String, Object> figures() {
        return Map.copyOf(figures);
    }

    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeStringProperty("scenario", scenario);
            figures.forEach((k, v) -> {
                g.writeName(k);
                switch (v) {
                    case Long l -> g.writeNumber(l);
                    case Integer i -> g.writeNumber(i);
                    case Double d -> g.writeNumber(Math.round(d * 1000) / 1000.0);
                    default -> g.writeString(String.valueOf(v));
                }
            });
            g.writeEndObject();
        }
        return out.toString();
    }

    public String toTable() {
        StringBuilder sb = new StringBuilder(scenario).append('\n');
        int width = figures.keySet().stream().mapToInt(String::length).max().orElse(0);
        figures.forEach((k, v) -> sb.append("  ").append(String.format(Locale.ROOT, "%-" + width + "s  ", k))
                .append(v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : v).append('\n'));
        return sb.toString();
    }
}
