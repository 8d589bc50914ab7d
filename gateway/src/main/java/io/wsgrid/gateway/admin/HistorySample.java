package io.wsgrid.gateway.admin;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsgrid.gateway.backend.Backend;

/**
 * The cluster's figures at one poll, as the charts show them. Counts of the nodes ({@code sessions}, rates) are
 * {@code null} for a node the gateway could not reach, so a chart shows a gap rather than a false drop to zero.
 *
 * @param atMillis            when the poll ended (epoch millis).
 * @param sessions            sessions on the reachable nodes.
 * @param gatewaySessions     sessions this gateway relays.
 * @param messagesPerSecond   messages the reachable nodes accepted per second.
 * @param deliveriesPerSecond frames the reachable nodes wrote to sessions per second.
 * @param handshakes          WebSocket upgrades through this gateway so far, by outcome (counters, not rates).
 * @param backends            per backend id, in the backends' order.
 */
record HistorySample(long atMillis, int sessions, int gatewaySessions, double messagesPerSecond, double deliveriesPerSecond,
        Map<String, Long> handshakes, Map<String, PerBackend> backends) {

    /**
     * @param connections sessions this gateway relays to the backend.
     * @param node        the node's own id, null until it first answered.
     */
    record PerBackend(int connections, String node, Integer sessions, Double messagesPerSecond, Double deliveriesPerSecond) {
    }

    static HistorySample of(long atMillis, List<NodeMonitor.NodeView> nodes, Collection<Backend> backends, int gatewaySessions,
            Map<String, Long> handshakes) {
        Map<String, NodeMonitor.NodeView> byBackend = new LinkedHashMap<>();
        nodes.forEach(n -> byBackend.put(n.backend(), n));
        Map<String, PerBackend> perBackend = new LinkedHashMap<>();
        for (Backend b : backends) {
            NodeMonitor.NodeView n = byBackend.get(b.id());
            boolean reachable = n != null && n.reachable();
            perBackend.put(b.id(), new PerBackend(b.connections(), n == null ? null : n.node(), reachable ? n.sessions() : null,
                    reachable ? n.messagesPerSecond() : null, reachable ? n.deliveriesPerSecond() : null));
        }
        List<NodeMonitor.NodeView> reachable = nodes.stream().filter(NodeMonitor.NodeView::reachable).toList();
        return new HistorySample(atMillis, reachable.stream().mapToInt(NodeMonitor.NodeView::sessions).sum(), gatewaySessions,
                reachable.stream().mapToDouble(NodeMonitor.NodeView::messagesPerSecond).sum(),
                reachable.stream().mapToDouble(NodeMonitor.NodeView::deliveriesPerSecond).sum(), Map.copyOf(handshakes),
                perBackend);
    }
}
