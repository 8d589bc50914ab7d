package io.wsgrid.client.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.wsgrid.client.bench.Chart;
import io.wsgrid.client.bench.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Turn the JSON lines of bench/run.sh into markdown tables with ratios to the peer in the same run.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the JSON lines file (bench/results/latest.jsonl)")
    Path results;

    @Option(names = "--page", description = "also write the whole benchmarks page (method, tables, goals) to this file")
    Path page;

    @Option(names = "--rest-page", description = "rewrite only the REST block of this benchmarks page, keeping the rest of it")
    Path restPage;

    @Option(names = "--chart", description = "also draw the cost figures as a PNG")
    Path chart;

    @Option(names = "--command", defaultValue = "bench/run.sh", description = "the command named on the page")
    String command;

    @Override
    public Integer call() throws Exception {
        java.util.List<Report.Row> rows = Report.read(results);
        System.out.print(Report.markdown(rows));
        if (chart != null) {
            Chart.write(rows, chart);
        }
        if (restPage != null) {
            String existing = Files.exists(restPage) ? Files.readString(restPage) : "# Benchmarks\n";
            Files.writeString(restPage, Report.withRestBlock(existing, rows));
        }
        if (page != null) {
            String existing = Files.exists(page) ? Files.readString(page) : "";
            Path dir = page.toAbsolutePath().getParent();
            String chartPath = chart == null ? "benchmarks.png" : dir.relativize(chart.toAbsolutePath()).toString();
            Files.writeString(page, Report.keepNotes(existing, Report.page(rows, command, chartPath)));
        }
        return 0;
    }
}
