package io.wsgrid.node.delivery;

import java.time.Clock;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.history.InMemoryHistory;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.hub.HubProperties;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.offline.OfflineProperties;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.SessionLifecycle;
import io.wsgrid.node.session.SessionProperties;
import io.wsgrid.node.session.SessionStreams;

/**
 * A private standalone node inside this one, for the warm-up before readiness: its own hub, history, offline queue,
 * sequencer, fan-out writers and metrics registry, made of the same classes as the node's own. The warm-up's sessions
 * and sends go through it over real sockets, so the JIT compiles the whole send path (HTTP decode, messenger, router,
 * hub, sequencer, frame writes) before the first real request, while no real session, stream, queue, metric or
 * cluster peer sees that traffic. A clustered node's router is the one part of its send path this does not run.
 *
 * @param messenger sends into the private node
 * @param lifecycle registers the private node's sessions
 * @param outbound  writes the private node's frames
 * @param metrics   counts them, in a registry of the kind the node's own is, that nobody scrapes
 */
public record RehearsalNode(Messenger messenger, SessionLifecycle lifecycle, Outbound outbound, NodeMetrics metrics) {

    public static RehearsalNode create(HubProperties hub, SessionProperties sessions, HistoryProperties history,
            OfflineProperties offline, Clock clock, String nodeId) {
        NodeMetrics metrics = new NodeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Hub privateHub = new Hub(hub);
        Outbound outbound = new Outbound(metrics, sessions);
        InMemoryHistory streams = new InMemoryHistory(history, clock);
        LocalDelivery local = new LocalDelivery(privateHub, outbound, new SessionStreams(outbound), streams, new Sequencer(streams, metrics));
        LocalRouter router = new LocalRouter(privateHub, local, streams, new InMemoryOfflineStore(offline, clock, metrics), nodeId,
                group -> false);
        return new RehearsalNode(new Messenger(router, metrics), router, outbound, metrics);
    }
}
