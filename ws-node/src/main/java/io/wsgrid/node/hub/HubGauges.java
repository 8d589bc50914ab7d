package io.wsgrid.node.hub;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOutboundBuffer;
import io.wsgrid.node.session.Session;

import org.springframework.stereotype.Component;

/** The hub's gauges: sessions, users and the sum of the sessions' outbound queues. */
@Component
class HubGauges {

    HubGauges(Hub hub, MeterRegistry registry) {
        Gauge.builder("wsgrid.sessions", hub, Hub::sessionCount).description("Open WebSocket sessions").register(registry);
        Gauge.builder("wsgrid.users", hub, Hub::userCount).description("Distinct users with a session on this node").register(registry);
        Gauge.builder("wsgrid.outbound.queued", hub, HubGauges::queuedBytes).baseUnit("bytes")
                .description("Bytes written to sessions but not yet taken by their sockets (sum of outbound queues)").register(registry);
    }

    /** Sum of the sessions' outbound queues; walks every session, so it is for scrapes, not hot paths. */
    private static double queuedBytes(Hub hub) {
        long total = 0;
        for (Session[] shard : hub.allSessions()) {
            for (Session s : shard) {
                ChannelOutboundBuffer buffer = s.channel().unsafe().outboundBuffer();
                if (buffer != null) {
                    total += buffer.totalPendingWriteBytes();
                }
            }
        }
        return total;
    }
}
