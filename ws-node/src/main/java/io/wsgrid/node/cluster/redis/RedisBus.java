package io.wsgrid.node.cluster.redis;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
 *
 * <p>In a Redis Cluster the bus uses sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}, Redis 7): a classic
 * {@code PUBLISH} is copied to every node of the cluster over its bus, so it costs every shard the whole bus traffic,
 * while a sharded message stays on the shard that owns its channel's slot. All channels of one wsgrid cluster, the
 * per-node ones and the broadcast one, share one hash tag and so one shard: a node publishes and subscribes over one
 * connection to it, which keeps the per-publisher order across directed and broadcast envelopes (a control command
 * published to all, then a delivery to one node, arrive in that order) and keeps {@code SPUBLISH}'s receiver count
 * exact. The cost is that one shard carries the whole bus; broadcasts and group sends, which every node must receive
 * anyway, are most of that traffic, so spreading only the per-node channels over the shards would gain little. The
 * channel names are the same in every mode; outside a cluster the hash tag is just part of the name.
 */
public final class RedisBus implements ClusterBus {

    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

    private final RedisConnections connections;
    private final RedisClusterAsyncCommands<String, byte[]> publisher;
    private final StatefulRedisPubSubConnection<String, byte[]> subscriber;
    private final boolean sharded;
    private final String channelPrefix;
    private final String nodeId;
    private final BusMetrics metrics;

    public RedisBus(RedisConnections connections, String prefix, String nodeId, BusMetrics metrics) {
        this.connections = connections;
        this.publisher = connections.commands();
        this.subscriber = connections.connectPubSub();
        this.sharded = connections.isCluster();
        this.channelPrefix = "{" + prefix + ":bus}:";
        this.nodeId = nodeId;
        this.metrics = metrics;
    }

    String nodeChannel(String node) {
        return channelPrefix + "node:" + node;
    }

    String allChannel() {
        return channelPrefix + "all";
    }

    @Override
    public CompletionStage<Void> publishToAll(Envelope envelope) {
        return publish(allChannel(), envelope).thenApply(receivers -> null);
    }

    @Override
    public CompletionStage<Boolean> publishTo(String node, Envelope envelope) {
        return publish(nodeChannel(node), envelope).thenApply(receivers -> receivers > 0);
    }

    private CompletionStage<Long> publish(String channel, Envelope envelope) {
        long start = System.nanoTime();
        byte[] body = envelope.encode();
        return (sharded ? publisher.spublish(channel, body) : publisher.publish(channel, body)).whenComplete((receivers, error) -> {
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
            public void smessage(String channel, byte[] message) {
                message(channel, message);
            }

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
        if (sharded) {
            subscriber.sync().ssubscribe(nodeChannel(nodeId), allChannel());
        }
        else {
            subscriber.sync().subscribe(nodeChannel(nodeId), allChannel());
        }
    }

    @Override
    public boolean isUp() {
        return connections.isOpen() && subscriber.isOpen();
    }

    @Override
    public String name() {
        return "redis";
    }
}
