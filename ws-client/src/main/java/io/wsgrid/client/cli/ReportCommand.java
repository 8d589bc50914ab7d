package io.wsgrid.client.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.wsgrid.client.bench.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Turn the JSON lines of bench/run.sh into markdown tables with ratios to the peer in the same run.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the JSON lines file (bench/results/latest.jsonl)")
    Path results;

    @Option(names = "--markdown", description = "also write the tables to this file")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        String md = Report.markdown(Report.read(results));
        System.out.print(md);
        if (markdown != null) {
            Files.writeString(markdown, md);
        }
        return 0;
    }
}
