package io.wsgrid.e2e;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How PrometheusLiveIT turns deploy/'s PromQL into queries that must return series. */
class MonitoringQueriesTests {

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "up{job=\"ws-node\"} == 0 => up{job=\"ws-node\"}",
            "wsgrid_outbound_queued_bytes > 256 * 1024 * 1024 => wsgrid_outbound_queued_bytes",
            "sum(rate(a{outcome!~\"relayed|retried\"}[5m])) / clamp_min(sum(rate(a[5m])), 1e-9) > 0.05"
                    + " => sum(rate(a{outcome!~\"relayed|retried\"}[5m])) / clamp_min(sum(rate(a[5m])), 1e-9)",
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) >= 0.25 => histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
            "x != -1 => x",
            "sum(x) => sum(x)",
            "a > b => a > b",
            "a > bool 1 => a > bool 1",
            "count(up{job=\"ws-node\"} == 1) => count(up{job=\"ws-node\"} == 1)",
            "x{l=\"a>b\"} < 3 => x{l=\"a>b\"}"})
    void theThresholdOfAnAlertIsDroppedAndNothingElse(String expr, String expected) {
        assertThat(MonitoringQueries.withoutThreshold(expr)).isEqualTo(expected);
    }

    @Test
    void setOperatorsAreRefusedRatherThanSplitWrongly() {
        assertThatThrownBy(() -> MonitoringQueries.withoutThreshold("a > 1 and b")).hasMessageContaining("and/or/unless");
        assertThat(MonitoringQueries.withoutThreshold("sum by (node) (orders_total) > 1")).isEqualTo("sum by (node) (orders_total)");
    }

    @Test
    void grafanaVariablesAreFilledInEveryForm() {
        Map<String, String> vars = Map.of("node", "node1", "__rate_interval", "4s");
        assertThat(MonitoringQueries.substitute("rate(x{node=~\"$node\"}[$__rate_interval]) + y{n=\"${node}\", m=\"${node:regex}\", o=\"[[node]]\"}", vars))
                .isEqualTo("rate(x{node=~\"node1\"}[4s]) + y{n=\"node1\", m=\"node1\", o=\"node1\"}");
    }

    @Test
    void aVariableWithoutATestValueIsAnError() {
        assertThatThrownBy(() -> MonitoringQueries.substitute("x[$__range]", Map.of())).hasMessageContaining("$__range");
    }
}
