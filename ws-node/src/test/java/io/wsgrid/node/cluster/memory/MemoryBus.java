package io.wsgrid.node.cluster.memory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.wsgrid.node.cluster.ClusterBus;
import io.wsgrid.node.cluster.Envelope;

/**
 * A {@link ClusterBus} between the nodes of one JVM, with its guarantees: at most once, ordered per publisher (each
 * node receives on one thread of its own, in the order envelopes were handed to it), and publishing never blocks (it
 * only queues). Each envelope travels encoded, so a receiver gets its own copy, as over a wire.
 *
 * <p>Faults a test can cause: a node cut off the bus ({@link #cut}) is not up, its publishes fail, and it receives
 * nothing, so {@link ClusterBus#publishTo} to it reports false, as Redis reports no receiver; an envelope lost on the
 * way ({@link #loseNext}) is reported taken, as a broker that accepted it would, and never arrives.
 */
public final class MemoryBus implements AutoCloseable {

    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** The bus as {@code node} uses it. */
    ClusterBus join(String node) {
        return endpoints.computeIfAbsent(node, Endpoint::new);
    }

    /** Cuts the node off the bus until {@link #reconnect}. */
    public void cut(String node) {
        endpoint(node).up = false;
    }

    public void reconnect(String node) {
        endpoint(node).up = true;
    }

    /** The next {@code count} envelopes for the node are lost on the way. */
    public void loseNext(String node, int count) {
        endpoint(node).toLose.addAndGet(count);
    }

    private Endpoint endpoint(String node) {
        Endpoint endpoint = endpoints.get(node);
        if (endpoint == null) {
            throw new IllegalArgumentException("no node " + node + " on the bus");
        }
        return endpoint;
    }

    @Override
    public void close() {
        endpoints.values().forEach(e -> e.thread.shutdownNow());
    }

    private final class Endpoint implements ClusterBus {

        private final String node;
        private final ExecutorService thread;
        private final AtomicInteger toLose = new AtomicInteger();
        private volatile boolean up = true;
        private volatile Consumer<Envelope> handler;

        Endpoint(String node) {
            this.node = node;
            this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("memory-bus-" + node).daemon().factory());
        }

        @Override
        public CompletionStage<Void> publishToAll(Envelope envelope) {
            if (!up) {
                return CompletableFuture.failedFuture(new IllegalStateException("node " + node + " is off the bus"));
            }
            endpoints.values().forEach(to -> {
                if (to != this) {
                    to.receive(envelope);
                }
            });
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Boolean> publishTo(String node, Envelope envelope) {
            if (!up) {
                return CompletableFuture.failedFuture(new IllegalStateException("node " + this.node + " is off the bus"));
            }
            Endpoint to = endpoints.get(node);
            return CompletableFuture.completedFuture(to != null && to != this && to.receive(envelope));
        }

        /** Whether a subscriber took the envelope (one lost on the way counts as taken). */
        private boolean receive(Envelope envelope) {
            Consumer<Envelope> subscriber = handler;
            if (!up || subscriber == null) {
                return false;
            }
            if (toLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return true;
            }
            Envelope copy = Envelope.decode(envelope.encode());
            thread.execute(() -> subscriber.accept(copy));
            return true;
        }

        @Override
        public void subscribe(Consumer<Envelope> handler) {
            this.handler = handler;
        }

        @Override
        public boolean isUp() {
            return up;
        }

        @Override
        public String name() {
            return "memory";
        }
    }
}
