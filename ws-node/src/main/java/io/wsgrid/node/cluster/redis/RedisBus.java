package io.wsgrid.node.cluster.redis;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.wsgrid.node.cluster.BusMetrics;
import io.wsgrid.node.cluster.ClusterBus;
import io.wsgrid.node.cluster.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus on Redis pub/sub: a channel per node for directed deliveries and one channel for everything every
 * node must see. {@code PUBLISH} answers how many subscribers got a message, which tells a sender that a node died
 * before its presence expired. Lettuce reconnects and resubscribes both connections after an outage on its own.
 * Ordering per publisher holds because each node publishes over one connection and Redis delivers per channel in
 * order.
 */
public final class RedisBus implements ClusterBus {

    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

    private final StatefulRedisConnection<String, byte[]> publisher;
    private final StatefulRedisPubSubConnection<String, byte[]> subscriber;
    private final Keys keys;
    private final String nodeId;
    private final BusMetrics metrics;

    public RedisBus(StatefulRedisConnection<String, byte[]> publisher, StatefulRedisPubSubConnection<String, byte[]> subscriber,
            String prefix, String nodeId, BusMetrics metrics) {
        this.publisher = publisher;
        this.subscriber = subscriber;
        this.keys = new Keys(prefix);
        this.nodeId = nodeId;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Void> publishToAll(Envelope envelope) {
        return publish(keys.allChannel(), envelope).thenApply(receivers -> null);
    }

    @Override
    public CompletionStage<Boolean> publishTo(String node, Envelope envelope) {
        return publish(keys.nodeChannel(node), envelope).thenApply(receivers -> receivers > 0);
    }

    private CompletionStage<Long> publish(String channel, Envelope envelope) {
        long start = System.nanoTime();
        return publisher.async().publish(channel, envelope.encode()).whenComplete((receivers, error) -> {
            if (error != null) {
                metrics.publishFailed();
            }
            else {
                metrics.published(System.nanoTime() - start);
            }
        });
    }

    @Override
    public void subscribe(Consumer<Envelope> handler) {
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                Envelope envelope;
                try {
                    envelope = Envelope.decode(message);
                }
                catch (IllegalArgumentException e) {
                    log.warn("ignoring a malformed envelope on {}: {}", channel, e.getMessage());
                    return;
                }
                if (!envelope.origin().equals(nodeId)) {
                    metrics.received();
                    handler.accept(envelope);
                }
            }
        });
        subscriber.sync().subscribe(keys.nodeChannel(nodeId), keys.allChannel());
    }

    @Override
    public boolean isUp() {
        return publisher.isOpen() && subscriber.isOpen();
    }

    @Override
    public String name() {
        return "redis";
    }
}
