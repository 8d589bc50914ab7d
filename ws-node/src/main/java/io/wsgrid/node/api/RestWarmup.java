package io.wsgrid.node.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.delivery.Messenger;
import io.wsgrid.node.delivery.RehearsalNode;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.hub.HubProperties;
import io.wsgrid.node.offline.OfflineProperties;
import io.wsgrid.node.session.Rehearsal;
import io.wsgrid.node.session.SessionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warms the send path before the node reports ready. Spring Boot publishes readiness {@code ACCEPTING_TRAFFIC} only
 * after the application runners returned, while the HTTP server already listens; so this runner rehearses: it builds a
 * private standalone node ({@link RehearsalNode}), opens {@code wsgrid.node.warmup.sessions} WebSocket sessions on it
 * over loopback, and pushes {@code wsgrid.node.warmup.requests} REST sends to their users through the real HTTP server,
 * {@link SendEndpoint}, the messenger, router, hub, sequencer and the frame writes to those sockets, until the JIT has
 * compiled them. Those requests and upgrades carry the {@link Rehearsal}'s random key and reach only the private node:
 * no real session, stream, offline queue, metric or cluster peer sees them, and the key is dropped before readiness
 * goes UP. A warm-up that fails or runs out of time only costs speed, never the start.
 */
@Component
class RestWarmup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RestWarmup.class);

    /** Where {@link Sends} hands a rehearsal's requests: the private node's messenger while a rehearsal runs. */
    @Component
    static final class Stage {

        private final Rehearsal rehearsal;
        private volatile Messenger messenger;

        Stage(Rehearsal rehearsal) {
            this.rehearsal = rehearsal;
        }

        /** The private node's messenger when {@code header} is the running rehearsal's key, else null. */
        Messenger messengerFor(String header) {
            Messenger rehearsing = messenger;
            return rehearsing != null && rehearsal.admits(header) ? rehearsing : null;
        }
    }

    /** What the private node needs to be built like this node. */
    @Component
    record Parts(HubProperties hub, SessionProperties sessions, HistoryProperties history, OfflineProperties offline, Clock clock,
            NodeProperties node) {

        RehearsalNode build() {
            return RehearsalNode.create(hub, sessions, history, offline, clock, node.id());
        }
    }

    private final Stage stage;
    private final Rehearsal rehearsal;
    private final Parts parts;
    private final WarmupProperties properties;
    private final Environment environment;
    private final ConfigurableApplicationContext context;

    RestWarmup(Stage stage, Rehearsal rehearsal, Parts parts, WarmupProperties properties, Environment environment,
            ConfigurableApplicationContext context) {
        this.stage = stage;
        this.rehearsal = rehearsal;
        this.parts = parts;
        this.properties = properties;
        this.environment = environment;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        String port = environment.getProperty("local.server.port");
        if (properties.requests() == 0 || port == null) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + properties.timeout().toNanos();
        RehearsalNode node = parts.build();
        stage.messenger = node.messenger();
        String key = rehearsal.begin(node.outbound(), node.lifecycle(), node.metrics());
        LongAdder received = new LongAdder();
        AtomicInteger failed = new AtomicInteger();
        int sent = 0;
        List<WebSocket> sockets = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            sockets = listen(http, port, key, received, deadline);
            sent = send(http, port, key, failed, deadline);
            // Each session's connected frame and every accepted send; the last ones may still be on their way.
            long expected = sockets.size() + sent - failed.get();
            long settle = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
            while (received.sum() < expected && System.nanoTime() < settle) {
                Thread.sleep(10);
            }
            sockets.forEach(socket -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "warm-up done"));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            log.warn("warm-up stopped early: {}", e.toString());
        }
        finally {
            rehearsal.end();
            stage.messenger = null;
            sockets.forEach(WebSocket::abort);
        }
        log.info("send path warmed in {} ms: {} REST sends ({} failed), {} frames to {} warm-up sessions",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), sent, failed.get(), received.sum(), sockets.size());
        if (properties.exitAfter()) {
            log.info("training run (wsgrid.node.warmup.exit-after): stopping");
            System.exit(SpringApplication.exit(context));
        }
    }

    /** Opens the warm-up's sessions (users {@code warmup-0}..) on the private node; counts the frames they receive. */
    private List<WebSocket> listen(HttpClient http, String port, String key, LongAdder received, long deadline) throws InterruptedException {
        URI base = URI.create("ws://127.0.0.1:" + port + parts.sessions().path() + "?user_id=warmup-");
        WebSocket.Listener counting = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                if (last) {
                    received.increment();
                }
                socket.request(1);
                return null;
            }
        };
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < properties.sessions(); i++) {
            opening.add(http.newWebSocketBuilder().header(Rehearsal.HEADER, key).buildAsync(URI.create(base + Integer.toString(i)), counting));
        }
        List<WebSocket> open = new ArrayList<>();
        for (CompletableFuture<WebSocket> socket : opening) {
            try {
                open.add(socket.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.debug("a warm-up session did not open: {}", e.toString());
            }
        }
        return open;
    }

    /** Pushes the REST sends, {@code concurrency} at a time, to the warm-up users; returns how many went out. */
    private int send(HttpClient http, String port, String key, AtomicInteger failed, long deadline) throws InterruptedException {
        Semaphore inFlight = new Semaphore(properties.concurrency());
        int users = Math.max(1, properties.sessions());
        int sent = 0;
        for (; sent < properties.requests() && System.nanoTime() < deadline; sent++) {
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/users/warmup-" + (sent % users) + "/messages"))
                    .header(Rehearsal.HEADER, key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"warmup\":" + sent + ",\"text\":\"x\"}}")).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null || response.statusCode() != 202) {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.tryAcquire(properties.concurrency(), Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return sent;
    }
}
