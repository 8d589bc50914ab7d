package io.wsgrid.node.offline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.node.metrics.NodeMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryOfflineStoreTests {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryOfflineStore store = new InMemoryOfflineStore(new OfflineProperties(3, Duration.ofMinutes(30)), clock, new NodeMetrics(registry));

    private static byte[] m(String s) {
        return s.getBytes();
    }

    @Test
    void drainsInOrderExactlyOnce() {
        store.enqueue("t", "u", m("1"));
        store.enqueue("t", "u", m("2"));
        assertThat(store.drain("t", "u")).extracting(String::new).containsExactly("1", "2");
        assertThat(store.drain("t", "u")).isEmpty();
    }

    @Test
    void theOldestIsDroppedAtCapacityAndCounted() {
        for (int i = 1; i <= 5; i++) {
            store.enqueue("t", "u", m(String.valueOf(i)));
        }
        assertThat(store.drain("t", "u")).extracting(String::new).containsExactly("3", "4", "5");
        assertThat(registry.counter("wsgrid.drops", "reason", "offline_cap").count()).isEqualTo(2);
    }

    @Test
    void expiredMessagesAreNeverDelivered() {
        store.enqueue("t", "u", m("old"));
        now = now.plus(Duration.ofMinutes(20));
        store.enqueue("t", "u", m("new"));
        now = now.plus(Duration.ofMinutes(15));
        assertThat(store.drain("t", "u")).extracting(String::new).containsExactly("new");
        assertThat(registry.counter("wsgrid.drops", "reason", "offline_expired").count()).isEqualTo(1);
    }

    @Test
    void purgeFreesQueuesOfUsersWhoNeverCameBack() {
        store.enqueue("t", "gone", m("x"));
        now = now.plus(Duration.ofHours(1));
        store.purgeExpired();
        assertThat(store.queued("t", "gone")).isZero();
    }

    @Test
    void queuesArePerTenantAndUser() {
        store.enqueue("t1", "u", m("a"));
        store.enqueue("t2", "u", m("b"));
        assertThat(store.drain("t1", "u")).extracting(String::new).isEqualTo(List.of("a"));
        assertThat(store.drain("t2", "u")).extracting(String::new).isEqualTo(List.of("b"));
    }
}
