package io.wsgrid.node.cluster.rabbit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.wsgrid.node.cluster.BusMetrics;
import io.wsgrid.node.cluster.ClusterBus;
import io.wsgrid.node.cluster.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.context.SmartLifecycle;

/**
 * The cluster bus on a RabbitMQ fanout exchange: every node binds one exclusive, auto-delete queue to a durable
 * fanout exchange, so every envelope reaches every node and each node keeps what is for it. Messages are transient
 * and unacknowledged (at most once). Publishing runs on one dedicated thread that sends whatever is queued as one
 * batch on one channel, which keeps the caller non-blocking and the publish order; when its queue is full the
 * envelope fails and is counted. After a broker restart the connection
 * factory reconnects, the admin declares the queue and binding again, and the listener resumes.
 */
public final class RabbitBus implements ClusterBus, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RabbitBus.class);

    private final ConnectionFactory connections;
    private final RabbitTemplate template;
    private final String exchange;
    private final String nodeId;
    private final BusMetrics metrics;
    private final Queue queue;
    private static final int BATCH = 256;

    private final BlockingQueue<Pending> outbox = new ArrayBlockingQueue<>(100_000);
    private Thread publisher;
    private QueueListener listener;
    private Consumer<Envelope> handler = e -> { };
    private volatile boolean running;

    public RabbitBus(ConnectionFactory connections, String exchange, String nodeId, BusMetrics metrics) {
        this.connections = connections;
        this.template = new RabbitTemplate(connections);
        this.exchange = exchange;
        this.nodeId = nodeId;
        this.metrics = metrics;
        this.queue = new Queue(exchange + "." + nodeId, false, true, true);
    }

    @Override
    public CompletionStage<Void> publishToAll(Envelope envelope) {
        return publish(envelope);
    }

    @Override
    public CompletionStage<Boolean> publishTo(String node, Envelope envelope) {
        // A fanout cannot address one node; every node receives it and keeps only what is for its sessions.
        return publish(envelope).thenApply(x -> true);
    }

    private CompletableFuture<Void> publish(Envelope envelope) {
        Pending pending = new Pending(envelope.encode(), System.nanoTime(), new CompletableFuture<>());
        if (!running || !outbox.offer(pending)) {
            metrics.publishFailed();
            pending.done().completeExceptionally(new IllegalStateException("bus publish queue full or bus stopped"));
        }
        return pending.done();
    }

    private record Pending(byte[] body, long enqueuedNanos, CompletableFuture<Void> done) {
    }

    /** The publisher thread: takes what is queued and publishes it as one batch on one channel, in order. */
    private void publishLoop() {
        List<Pending> batch = new ArrayList<>(BATCH);
        MessageProperties props = new MessageProperties();
        props.setContentType("application/octet-stream");
        while (running || !outbox.isEmpty()) {
            try {
                Pending first = outbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, BATCH - 1);
                template.invoke(ops -> {
                    for (Pending p : batch) {
                        ops.send(exchange, "", new Message(p.body(), props));
                    }
                    return null;
                });
                long now = System.nanoTime();
                for (Pending p : batch) {
                    metrics.published(now - p.enqueuedNanos());
                    p.done().complete(null);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                for (Pending p : batch) {
                    metrics.publishFailed();
                    p.done().completeExceptionally(e);
                }
            }
            batch.clear();
        }
    }

    @Override
    public void subscribe(Consumer<Envelope> handler) {
        this.handler = handler;
    }

    @Override
    public boolean isUp() {
        return running && listener != null && listener.isRunning() && listener.consuming() && probeConnection();
    }

    /**
     * The node queue's listener, which can tell whether a consumer is subscribed right now. The queue is exclusive and
     * goes with its connection: after an outage the bus is up only once a consumer took the new queue again (the
     * container's monitor restarts consumers whose channel died), so the catch-up from history that follows a
     * restored bus never runs while envelopes would still be missed.
     */
    private static final class QueueListener extends DirectMessageListenerContainer {

        QueueListener(org.springframework.amqp.rabbit.connection.ConnectionFactory connections) {
            super(connections);
        }

        /** Whether a consumer is subscribed (a dead channel's consumer leaves the list; a racy read is fine here). */
        boolean consuming() {
            return !consumers.isEmpty();
        }
    }

    private boolean probeConnection() {
        try (var connection = connections.createConnection()) {
            return connection.isOpen();
        }
        catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "rabbitmq";
    }

    @Override
    public void start() {
        FanoutExchange fanout = new FanoutExchange(exchange, true, false);
        Binding binding = BindingBuilder.bind(queue).to(fanout);
        RabbitAdmin admin = new RabbitAdmin(connections);
        // Declared on every new connection, so a broker restart gets the queue and binding back.
        connections.addConnectionListener(connection -> {
            try {
                admin.declareExchange(fanout);
                admin.declareQueue(queue);
                admin.declareBinding(binding);
            }
            catch (RuntimeException e) {
                log.warn("could not declare the bus queue: {}", e.toString());
            }
        });
        try {
            admin.declareExchange(fanout);
            admin.declareQueue(queue);
            admin.declareBinding(binding);
        }
        catch (RuntimeException e) {
            log.warn("RabbitMQ is unreachable at startup; the bus will connect when it comes back: {}", e.toString());
        }
        listener = new QueueListener(connections);
        listener.setQueueNames(queue.getName());
        listener.setAcknowledgeMode(AcknowledgeMode.NONE);
        listener.setMissingQueuesFatal(false);
        listener.setMonitorInterval(250);
        // A consumer whose channel died is tried again this often (Spring AMQP's defaults are 5 s): the bus counts as
        // up, and the catch-up from history runs, only once it is back.
        listener.setRecoveryInterval(500);
        listener.setFailedDeclarationRetryInterval(500);
        listener.setMessageListener(message -> {
            Envelope envelope;
            try {
                envelope = Envelope.decode(message.getBody());
            }
            catch (IllegalArgumentException e) {
                log.warn("ignoring a malformed envelope: {}", e.getMessage());
                return;
            }
            if (!envelope.origin().equals(nodeId)) {
                metrics.received();
                handler.accept(envelope);
            }
        });
        listener.start();
        running = true;
        publisher = Thread.ofPlatform().name("wsgrid-rabbit-publisher").daemon().start(this::publishLoop);
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.stop();
        }
        if (publisher != null) {
            publisher.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
