package io.wsgrid.client.cli;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.wsgrid.client.bench.LoadRun;
import io.wsgrid.client.bench.ProcessStats;
import io.wsgrid.client.bench.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load-test a node or gateway with many WebSocket connections. Every run is bounded in",
                "connections, messages and time. Target only machines you own (loopback on a shared machine).", "",
                "Scenarios:",
                "  fanout  N connections receive K broadcasts sent through REST: delivered/s, latency",
                "  direct  K user-directed REST sends at --rate to N connected users: delivered/s, latency",
                "  echo    every connection pings in a closed loop: round trips/s, round-trip latency",
                "  idle    hold connections, growing to each --steps value: server memory per connection",
                "  churn   open and close connections at --rate per second: handshakes/s", "",
                "Example: ws-client bench fanout --url ws://127.0.0.1:8081/ws --connections 5000 --messages 200 --server-pid 1234"})
final class BenchCommand implements Callable<Integer> {

    static final class Common {
        @Option(names = "--url", required = true, split = ",", description = "WebSocket URL, e.g. ws://127.0.0.1:8081/ws; several (comma-separated) spread connections over nodes")
        List<URI> urls;

        @Option(names = "--connections", defaultValue = "1000", description = "connections to hold (default: ${DEFAULT-VALUE})")
        int connections;

        @Option(names = "--sources", defaultValue = "4", description = "spread connections over 127.0.0.1..127.0.0.N (default: ${DEFAULT-VALUE}); ~60k connections per source")
        int sources;

        @Option(names = "--threads", defaultValue = "2", description = "client event loops (default: ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--server-pid", split = ",", description = "pid of the server process (several, comma-separated, are summed), to report its CPU and memory")
        List<Long> serverPids;

        @Option(names = "--json", description = "print the result as one JSON object")
        boolean json;

        @Option(names = "--socket-io", description = "the server speaks Socket.IO 4 (URL like ws://host:port/socket.io/?EIO=4&transport=websocket)")
        boolean socketIo;

        @Option(names = "--no-progress", negatable = true, defaultValue = "true", description = "progress bar on a terminal (default: on)")
        boolean progress;

        LoadRun run() {
            return new LoadRun(urls, connections, sources, threads, "bench-", serverPids == null ? null : new ProcessStats(serverPids), progress, socketIo);
        }

        int print(Result result) {
            System.out.println(json ? result.toJson() : result.toTable());
            return 0;
        }
    }

    @Parameters(index = "0", description = "fanout, direct, echo, idle or churn")
    String scenario;

    @Mixin
    Common common = new Common();

    @Option(names = "--rest", description = "REST base URL for fanout (default: the --url host and port over http)")
    URI rest;

    @Option(names = "--api-key", description = "X-Api-Key for the REST calls")
    String apiKey;

    @Option(names = "--messages", defaultValue = "100", description = "fanout: broadcasts to send; direct: messages to send (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--rate", defaultValue = "0", description = "fanout: broadcasts/s, 0 = as fast as 8 in-flight requests go; churn: connects/s (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "10s", description = "echo, churn: how long to run (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--steps", split = ",", defaultValue = "1000,10000", description = "idle: connection counts to measure at (default: ${DEFAULT-VALUE})")
    List<Integer> steps;

    private URI restBase() {
        URI first = common.urls.get(0);
        return rest != null ? rest : URI.create("http://" + first.getHost() + ":" + first.getPort());
    }

    @Override
    public Integer call() throws Exception {
        LoadRun run = common.run();
        Duration time = Duration.parse("PT" + duration.toUpperCase());
        return switch (scenario) {
            case "fanout" -> common.print(run.fanout(restBase(), messages, rate, apiKey));
            case "direct" -> common.print(run.direct(restBase(), messages, rate, apiKey));
            case "echo" -> common.print(run.echo(time));
            case "idle" -> common.print(run.idle(steps, Duration.ofSeconds(2)));
            case "churn" -> common.print(run.churn(Math.max(1, rate), time));
            default -> {
                System.err.println("unknown scenario '" + scenario + "': use fanout, direct, echo, idle or churn");
                yield 2;
            }
        };
    }
}
