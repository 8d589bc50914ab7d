package io.wsgrid.client.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReportTests {

    private static final List<Report.Row> REST = List.of(
            new Report.Row("ws-node rest", "rest", Map.of("requests_per_s", 8000.0, "server_cpu_us_per_request", 50.0, "non_2xx", 0L)),
            new Report.Row("node-ws rest", "rest", Map.of("requests_per_s", 4000.0, "server_cpu_us_per_request", 100.0, "non_2xx", 0L)));

    @Test
    void aRestRunReplacesOnlyItsBlockAndKeepsTheOtherTables() {
        String page = "# Benchmarks\n\n| fanout | x |\n\n## Goals\n\n- a goal\n";
        String first = Report.withRestBlock(page, REST);
        assertThat(first).contains("| fanout | x |").contains("| ws-node rest | 8,000 (2.00x) | 50.00 (0.50x) |")
                .containsSubsequence(Report.REST_END, "## Goals");
        String second = Report.withRestBlock(first, List.of());
        assertThat(second).doesNotContain("ws-node rest").contains("| fanout | x |", Report.REST_BEGIN, "- a goal");
    }

    @Test
    void aFullRewriteKeepsTheHandWrittenNotes() {
        String old = "# old tables\n" + Report.NOTES + "\n## Profile\ntop frames\n";
        assertThat(Report.keepNotes(old, "# new tables\n")).isEqualTo("# new tables\n\n" + Report.NOTES + "\n## Profile\ntop frames\n");
        assertThat(Report.keepNotes("# no notes\n", "# new\n")).isEqualTo("# new\n");
    }
}
