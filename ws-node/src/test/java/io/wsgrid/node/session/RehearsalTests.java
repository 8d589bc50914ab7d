package io.wsgrid.node.session;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.metrics.NodeMetrics;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class RehearsalTests {

    private static final SessionLifecycle NOWHERE = new SessionLifecycle() {
        @Override
        public CompletionStage<Opened> opened(Session session) {
            return CompletableFuture.completedFuture(new Opened(new StreamPosition(0, "e1"), List.of()));
        }

        @Override
        public void closed(Session session) {
        }
    };

    private final NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
    private final SessionProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("wsgrid.node.session", Bindable.of(SessionProperties.class));
    private final Sessions sessions = new Sessions(new Outbound(metrics, properties), NOWHERE, metrics, properties,
            (session, message) -> null, new NodeProperties("n1", NodeProperties.Transport.AUTO));

    @Test
    void onlyTheRunningRehearsalsKeyIsAdmitted() {
        Rehearsal rehearsal = new Rehearsal(sessions);
        assertThat(rehearsal.admits(null)).isFalse();
        assertThat(rehearsal.admits("")).isFalse();
        assertThat(rehearsal.admits("anything")).isFalse();

        Outbound privateOutbound = new Outbound(metrics, properties);
        String key = rehearsal.begin(privateOutbound, NOWHERE, metrics);
        assertThat(key).hasSize(32);
        assertThat(rehearsal.admits(key)).isTrue();
        assertThat(rehearsal.sessionsFor(key)).isNotSameAs(sessions);
        assertThat(rehearsal.sessionsFor(key).outbound()).isSameAs(privateOutbound);
        assertThat(rehearsal.admits(key + "0")).isFalse();
        assertThat(rehearsal.admits(null)).isFalse();

        rehearsal.end();
        assertThat(rehearsal.admits(key)).isFalse();
        assertThat(rehearsal.begin(privateOutbound, NOWHERE, metrics)).as("a new key each time").isNotEqualTo(key);
    }

    @Test
    void warmUpSessionsOnlyListen() {
        Sessions rehearsing = sessions.rehearsing(new Outbound(metrics, properties), NOWHERE, metrics);
        assertThat(rehearsing.commands().handle(null, new ClientMessage.Ping(null)).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }
}
