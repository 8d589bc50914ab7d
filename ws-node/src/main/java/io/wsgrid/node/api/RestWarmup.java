package io.wsgrid.node.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warms the REST send path before the node reports ready. Spring Boot publishes readiness {@code ACCEPTING_TRAFFIC}
 * only after the application runners returned, while the HTTP server already listens; so this runner pushes
 * {@code wsgrid.node.warmup.requests} real HTTP sends over loopback through Netty, WebFlux, {@link SendRoutes}, the
 * body decoder and the frame encoder, until the JIT has compiled them. The requests carry a random key known only
 * to this process ({@link DryRun}); with it a send is checked and encoded but never handed to the messenger, so no
 * session, history, offline queue, metric of messages or cluster peer ever sees it. The key is dropped before
 * readiness goes UP. A warm-up that fails or runs out of time only costs speed, never the start.
 */
@Component
class RestWarmup implements ApplicationRunner {

    static final String HEADER = "X-Wsgrid-Warmup";

    private static final Logger log = LoggerFactory.getLogger(RestWarmup.class);

    /** The warm-up key check on the hot path: one volatile read, null after the warm-up. */
    @Component
    static final class DryRun {

        private volatile String key;

        boolean matches(String header) {
            String current = key;
            return current != null && current.equals(header);
        }

        /** Does a send's remaining work (frame encoding) without sending, and answers like a delivered send. */
        byte[] answer(String user, RawJson data) {
            String id = Uuid7.nextString();
            ProtocolCodec.INSTANCE.encode(new ServerMessage.Delivery(id, null, new Target.User(user), data, System.currentTimeMillis(), null));
            return Sends.answer(id, "sent", 0);
        }
    }

    private final DryRun dryRun;
    private final WarmupProperties properties;
    private final Environment environment;
    private final ConfigurableApplicationContext context;

    RestWarmup(DryRun dryRun, WarmupProperties properties, Environment environment, ConfigurableApplicationContext context) {
        this.dryRun = dryRun;
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
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        dryRun.key = HexFormat.of().formatHex(key);
        long start = System.nanoTime();
        AtomicInteger failed = new AtomicInteger();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            Semaphore inFlight = new Semaphore(properties.concurrency());
            long deadline = start + properties.timeout().toNanos();
            for (int i = 0; i < properties.requests() && System.nanoTime() < deadline; i++) {
                if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/users/warmup-" + (i % 64) + "/messages"))
                        .header(HEADER, dryRun.key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"warmup\":" + i + ",\"text\":\"x\"}}")).build();
                CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
                sent.whenComplete((response, error) -> {
                    if (error != null || response.statusCode() != 202) {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                });
            }
            inFlight.tryAcquire(properties.concurrency(), Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            log.warn("REST warm-up stopped early: {}", e.toString());
        }
        finally {
            dryRun.key = null;
        }
        log.info("REST send path warmed in {} ms ({} requests, {} failed)", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                properties.requests(), failed.get());
        if (properties.exitAfter()) {
            log.info("training run (wsgrid.node.warmup.exit-after): stopping");
            System.exit(SpringApplication.exit(context));
        }
    }
}
