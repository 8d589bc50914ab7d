package io.wsgrid.node.delivery;

import io.wsgrid.node.NodeProperties;


import io.wsgrid.node.history.History;
import io.wsgrid.node.history.InMemoryHistory;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.offline.InMemoryOfflineStore;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.SessionProperties;
import io.wsgrid.node.session.SessionStreams;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How messages reach this node's sessions: the {@link Sequencer} that orders each stream, {@link LocalDelivery},
 * client commands with resume, and the standalone {@link LocalRouter} (the clustered router is the cluster package's).
 */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    Sequencer sequencer(History history, NodeMetrics metrics) {
        return new Sequencer(history, metrics);
    }

    @Bean
    LocalDelivery localDelivery(Hub hub, Outbound outbound, SessionStreams streams, History history, Sequencer sequencer) {
        return new LocalDelivery(hub, outbound, streams, history, sequencer);
    }

    /** A resume joins its groups under the same permission rules as a join frame. */
    @Bean
    Resumer.JoinCheck joinCheck(GroupPolicy groups) {
        return groups::canJoin;
    }

    @Bean
    Resumer resumer(Hub hub, Router router, History history, LocalDelivery local, SessionStreams streams, Outbound outbound,
            Resumer.JoinCheck joinCheck) {
        return new Resumer(hub, router, history, local, streams, outbound, joinCheck);
    }

    @Bean
    ClientCommands clientCommands(Hub hub, Outbound outbound, Messenger messenger, Router router, LocalDelivery local,
            SessionStreams streams, Resumer resumer, SessionProperties properties, GroupPolicy groups, TokenRefresher refresher) {
        return new ClientCommands(hub, outbound, messenger, router, local, streams, resumer, properties, groups, refresher);
    }

    @Bean
    @ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "memory", matchIfMissing = true)
    LocalRouter localRouter(Hub hub, LocalDelivery local, InMemoryHistory history, InMemoryOfflineStore offline, NodeProperties node,
            GroupPolicy groups) {
        return new LocalRouter(hub, local, history, offline, node.id(), groups::presenceEvents);
    }
}
