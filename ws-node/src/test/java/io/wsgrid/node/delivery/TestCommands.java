package io.wsgrid.node.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.wsgrid.node.auth.AuthProperties;
import io.wsgrid.node.auth.Authenticator;
import io.wsgrid.node.auth.GroupPermissionsProperties;
import io.wsgrid.node.auth.GroupPermissionsProperties.Access;
import io.wsgrid.node.auth.GroupPermissionsProperties.Namespace;
import io.wsgrid.node.history.History;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.session.CommandHandler;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.SessionProperties;
import io.wsgrid.node.session.SessionStreams;

/**
 * The client commands of one node for unit tests of routers, wired as {@code DeliveryConfiguration} wires them (join,
 * leave, publish, send, ping and resume), with auth off.
 */
public final class TestCommands {

    private TestCommands() {
    }

    /** Every group open to every session (auth off); groups of {@code presenceNamespaces} report presence events. */
    public static GroupPolicy openGroups(Set<String> presenceNamespaces) {
        Map<String, Namespace> namespaces = new HashMap<>();
        presenceNamespaces.forEach(ns -> namespaces.put(ns, new Namespace(Access.ANY, Access.ANY, true)));
        return new GroupPolicy(auth(), new GroupPermissionsProperties(namespaces, new Namespace(Access.ANY, Access.ANY, false)));
    }

    public static CommandHandler of(Hub hub, Outbound outbound, Router router, LocalDelivery local, SessionStreams streams,
            History history, SessionProperties properties, GroupPolicy groups, NodeMetrics metrics) {
        Resumer resumer = new Resumer(hub, router, history, local, streams, outbound, groups::canJoin);
        TokenRefresher refresher = new TokenRefresher(new Authenticator(auth(), Clock.systemUTC()), outbound);
        return new ClientCommands(hub, outbound, new Messenger(router, metrics), router, local, streams, resumer, properties, groups,
                refresher);
    }

    private static AuthProperties auth() {
        return new AuthProperties(AuthProperties.Mode.NONE, Duration.ofSeconds(30),
                new AuthProperties.Jwks(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(2)), Map.of());
    }
}
