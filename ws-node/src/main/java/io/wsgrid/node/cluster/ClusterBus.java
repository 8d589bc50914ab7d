package io.wsgrid.node.cluster;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Carries deliveries and control commands between the nodes of one cluster.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 * <li><b>At most once.</b> An envelope reaches each node that is subscribed when it is published at most once. Nothing
 * is stored: a node that is down, restarting or disconnected from the server when an envelope is published never
 * gets it.</li>
 * <li><b>Ordered per publisher.</b> Envelopes published by one node arrive at each other node in publish order.</li>
 * <li><b>Never blocks the caller.</b> Publishing returns at once; the stage completes when the server took the
 * envelope, or fails when it could not (server unreachable, publish queue full). Every failure is counted in
 * {@code wsgrid_bus_publish_failures_total}; none is dropped silently.</li>
 * <li><b>Heals itself.</b> When the server comes back after an outage or restart, the bus reconnects and resubscribes
 * without a node restart; {@link #isUp()} is false in between, and so is the node's {@code bus} health.</li>
 * </ul>
 * A node does not receive its own envelopes; the publisher delivers to its local sessions itself.
 */
public interface ClusterBus {

    /** Publishes to every other node. */
    CompletionStage<Void> publishToAll(Envelope envelope);

    /**
     * Publishes to one node. Completes with whether that node's subscriber received it, when the transport can tell
     * (Redis counts receivers; a RabbitMQ fanout cannot, and reports true once the broker took it).
     */
    CompletionStage<Boolean> publishTo(String node, Envelope envelope);

    /** Starts delivering envelopes published by other nodes to {@code handler}, on the bus's own thread. */
    void subscribe(Consumer<Envelope> handler);

    /** Whether the bus is connected to its server right now. */
    boolean isUp();

    /** A name for logs and health: memory, redis or rabbitmq. */
    String name();
}
