package io.wsgrid.client.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.Channel;
import org.HdrHistogram.Histogram;

/**
 * The load generator's scenarios. Every scenario is bounded in connections, messages and time, and stops by itself;
 * it targets only the URL it is given (point it at loopback addresses on a shared machine).
 *
 * @param urls        WebSocket endpoints, e.g. {@code ws://127.0.0.1:8081/ws}; connections go round-robin over them
 * @param connections number of connections to hold
 * @param sources     loopback source addresses to spread connections over (127.0.0.1 .. 127.0.0.N)
 * @param threads     client event loops
 * @param userPrefix  users are named prefix + index
 * @param server      the server process to charge CPU and memory to, or null
 * @param progress    draw a progress bar on a terminal
 * @param socketIo    speak Socket.IO 4 framing (to benchmark a Socket.IO server)
 */
public record LoadRun(List<URI> urls, int connections, int sources, int threads, String userPrefix, ProcessStats server,
        boolean progress, boolean socketIo) {

    /** Spaces events {@code 1/rate} apart on the nano clock without drifting; rate 0 means no spacing. */
    private static final class Pacer {
        private final long interval;
        private long next = System.nanoTime();

        Pacer(int rate) {
            this.interval = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
        }

        void awaitNext() {
            if (interval > 0) {
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Opens the connections; fails when more than 5% could not be opened (results count only those that did). */
    private Connections connect(Connections conns, int from, int to, Progress bar) throws InterruptedException {
        List<CompletableFuture<Channel>> pending = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pending.add(conns.open(i, userPrefix + i).exceptionally(e -> null));
            bar.update("connect", i + 1 - from, to - from);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        long failed = pending.stream().filter(f -> f.join() == null).count();
        if (failed > (to - from) / 20) {
            throw new IllegalStateException(failed + " of " + (to - from) + " connections failed to open");
        }
        return conns;
    }

    private Connections newConnections() throws IOException {
        Connections conns = new Connections(urls, sources, threads, 256);
        conns.socketIo = socketIo;
        return conns;
    }

    /**
     * K broadcasts through REST to N connections: delivered/s, latency from the REST call to each delivery, and the
     * server's CPU per delivered message.
     *
     * @param restBase  base URL of the REST API (node or gateway data port)
     * @param messages  broadcasts to send
     * @param rate      broadcasts per second (0: as fast as 8 in-flight requests allow)
     * @param apiKey    X-Api-Key, or null
     */
    public Result fanout(URI restBase, int messages, int rate, String apiKey) throws Exception {
        Progress bar = new Progress(progress);
        try (Connections conns = connect(newConnections(), 0, connections, bar)) {
            long open = conns.handshaken.sum();
            long expected = open * messages;
            // Warm up the JIT and pools on both sides; not measured.
            sendBroadcasts(restBase, Math.min(messages, 50), 0, apiKey, conns, bar);
            awaitReceived(conns, open * Math.min(messages, 50), Duration.ofSeconds(60), bar);
            conns.received.reset();
            conns.latencyMicros.reset();

            long user0 = server == null ? 0 : server.userNanos();
            long sys0 = server == null ? 0 : server.systemNanos();
            long start = System.nanoTime();
            sendBroadcasts(restBase, messages, rate, apiKey, conns, bar);
            boolean complete = awaitReceived(conns, expected, Duration.ofSeconds(120), bar);
            long elapsed = System.nanoTime() - start;
            long user = server == null ? 0 : server.userNanos() - user0;
            long sys = server == null ? 0 : server.systemNanos() - sys0;
            bar.done();
            long delivered = conns.received.sum();
            Histogram latency = conns.latencyMicros.getIntervalHistogram();
            Result r = new Result("fanout").put("connections", open).put("broadcasts", messages)
                    .put("rate_per_s", rate).put("delivered", delivered).put("complete", complete)
                    .put("seconds", elapsed / 1e9).put("delivered_per_s", delivered / (elapsed / 1e9));
            if (server != null) {
                r.put("server_cpu_us_per_delivery", (user + sys) / 1000.0 / Math.max(1, delivered));
                r.put("server_user_us_per_delivery", user / 1000.0 / Math.max(1, delivered));
                r.put("server_sys_us_per_delivery", sys / 1000.0 / Math.max(1, delivered));
            }
            return r.latency(latency);
        }
    }

    /**
     * User-directed sends through REST at {@code rate} per second, each to one of the N connected users in turn:
     * delivered/s and latency from the REST call to the delivery. With connections on some nodes and REST on another,
     * this measures the cluster bus.
     */
    public Result direct(URI restBase, int messages, int rate, String apiKey) throws Exception {
        Progress bar = new Progress(progress);
        try (Connections conns = connect(newConnections(), 0, connections, bar)) {
            int users = (int) conns.handshaken.sum();
            sendDirect(restBase, Math.min(messages, 2000), Math.min(rate, 2000), apiKey, users, bar);
            awaitReceived(conns, Math.min(messages, 2000), Duration.ofSeconds(60), bar);
            conns.received.reset();
            conns.latencyMicros.reset();
            long start = System.nanoTime();
            sendDirect(restBase, messages, rate, apiKey, users, bar);
            long sendSeconds = System.nanoTime() - start;
            boolean complete = awaitReceived(conns, messages, Duration.ofSeconds(60), bar);
            long elapsed = System.nanoTime() - start;
            bar.done();
            return new Result("direct").put("connections", users).put("messages", messages).put("rate_per_s", rate)
                    .put("sent_per_s", messages / (sendSeconds / 1e9)).put("delivered", conns.received.sum())
                    .put("complete", complete).put("delivered_per_s", conns.received.sum() / (elapsed / 1e9))
                    .latency(conns.latencyMicros.getIntervalHistogram());
        }
    }

    private void sendDirect(URI restBase, int messages, int rate, String apiKey, int users, Progress bar) throws InterruptedException {
        try (RestSender sender = new RestSender(restBase, 32, apiKey)) {
            Pacer pacer = new Pacer(rate);
            for (int i = 0; i < messages; i++) {
                pacer.awaitNext();
                sender.post("/api/v1/users/" + userPrefix + (i % users) + "/messages", "{\"data\":{\"t\":" + System.nanoTime() + "}}");
                bar.update("send", i + 1, messages);
            }
            sender.drain(32);
            if (sender.failures.sum() > 0) {
                throw new IllegalStateException(sender.failures.sum() + " sends failed");
            }
        }
    }

    private void sendBroadcasts(URI restBase, int messages, int rate, String apiKey, Connections conns, Progress bar)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(8);
        Pacer pacer = new Pacer(rate);
        List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            pacer.awaitNext();
            inFlight.acquire();
            HttpRequest.Builder request = HttpRequest.newBuilder(restBase.resolve("/api/v1/broadcast"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"t\":" + System.nanoTime() + "}}"));
            if (apiKey != null) {
                request.header("X-Api-Key", apiKey);
            }
            calls.add(HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> inFlight.release()));
            bar.update("send", i + 1, messages);
        }
        for (CompletableFuture<HttpResponse<Void>> call : calls) {
            int status = call.join().statusCode();
            if (status != 202) {
                throw new IllegalStateException("broadcast answered " + status);
            }
        }
    }

    /** Waits for {@code expected} frames; gives up at the timeout or after 10 s without a new frame. */
    private static boolean awaitReceived(Connections conns, long expected, Duration timeout, Progress bar) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        long lastProgress = System.nanoTime();
        long got;
        while ((got = conns.received.sum()) < expected && System.nanoTime() < deadline
                && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(10)) {
            if (got != last) {
                last = got;
                lastProgress = System.nanoTime();
            }
            bar.update("receive", got, expected);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return conns.received.sum() >= expected;
    }

    /** Every connection pings in a closed loop for {@code duration}: round trips/s and round-trip latency. */
    public Result echo(Duration duration) throws Exception {
        Progress bar = new Progress(progress);
        try (Connections conns = connect(newConnections(), 0, connections, bar)) {
            conns.echo = true;
            conns.startEcho();
            LockSupport.parkNanos(Math.min(duration.toNanos() / 5, TimeUnit.SECONDS.toNanos(2)));
            conns.received.reset();
            conns.latencyMicros.reset();
            long cpu0 = server == null ? 0 : server.cpuNanos();
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            while (System.nanoTime() < end) {
                bar.update("echo", System.nanoTime() - start, duration.toNanos());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            long elapsed = System.nanoTime() - start;
            long roundTrips = conns.received.sum();
            long cpu = server == null ? 0 : server.cpuNanos() - cpu0;
            conns.stopEcho();
            bar.done();
            Result r = new Result("echo").put("connections", connections).put("seconds", elapsed / 1e9)
                    .put("round_trips", roundTrips).put("round_trips_per_s", roundTrips / (elapsed / 1e9));
            if (server != null) {
                r.put("server_cpu_us_per_round_trip", cpu / 1000.0 / Math.max(1, roundTrips));
            }
            return r.latency(conns.latencyMicros.getIntervalHistogram());
        }
    }

    /**
     * Holds idle connections, growing to each step in turn; at each step reports the server's RSS and (for a JVM,
     * after a full GC) its used heap, and the per-connection slope between the first and last step.
     */
    public Result idle(List<Integer> steps, Duration settle) throws Exception {
        Progress bar = new Progress(progress);
        Result r = new Result("idle");
        try (Connections conns = newConnections()) {
            int open = 0;
            long firstRss = 0;
            long firstHeap = 0;
            int firstStep = 0;
            for (int step : steps) {
                connect(conns, open, step, bar);
                open = step;
                LockSupport.parkNanos(settle.toNanos());
                if (server != null) {
                    long heap = server.heapAfterGc();
                    LockSupport.parkNanos(settle.toNanos());
                    long rss = server.rssBytes();
                    r.put("rss_mib_at_" + step, rss / 1048576.0);
                    if (heap >= 0) {
                        r.put("heap_mib_at_" + step, heap / 1048576.0);
                    }
                    if (firstStep == 0) {
                        firstStep = step;
                        firstRss = rss;
                        firstHeap = heap;
                    }
                    else {
                        r.put("rss_kib_per_connection", (rss - firstRss) / 1024.0 / (step - firstStep));
                        if (heap >= 0) {
                            r.put("heap_kib_per_connection", (heap - firstHeap) / 1024.0 / (step - firstStep));
                        }
                    }
                }
            }
            bar.done();
            r.put("connections", open).put("still_open", conns.open.get());
            return r;
        }
    }

    /**
     * Opens and closes connections at {@code perSecond} for {@code duration}: completed handshakes per second of the
     * run, and failures (refused, or no upgrade within 30 s).
     */
    public Result churn(int perSecond, Duration duration) throws Exception {
        Progress bar = new Progress(progress);
        try (Connections conns = newConnections()) {
            Pacer pacer = new Pacer(Math.max(1, perSecond));
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            int opened = 0;
            java.util.concurrent.atomic.LongAdder completed = new java.util.concurrent.atomic.LongAdder();
            List<CompletableFuture<Channel>> live = new ArrayList<>();
            while (System.nanoTime() < end) {
                pacer.awaitNext();
                live.add(conns.open(opened, userPrefix + (opened % Math.max(1, connections))).whenComplete((ch, e) -> {
                    if (ch != null) {
                        completed.increment();
                        ch.close();
                    }
                }));
                opened++;
                bar.update("churn", System.nanoTime() - start, duration.toNanos());
            }
            long paced = System.nanoTime() - start;
            CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            bar.done();
            return new Result("churn").put("attempted", opened).put("completed", completed.sum())
                    .put("failed", opened - completed.sum()).put("handshakes_per_s", completed.sum() / (paced / 1e9))
                    .put("seconds", paced / 1e9);
        }
    }
}
