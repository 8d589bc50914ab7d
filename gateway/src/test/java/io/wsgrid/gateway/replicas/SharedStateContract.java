package io.wsgrid.gateway.replicas;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What {@link SharedState} promises, run against each implementation (memory in the unit tier, Redis as an IT). */
abstract class SharedStateContract {

    /** Two views of one shared state, as two replicas have (for memory: the same object). */
    abstract SharedState first();

    abstract SharedState second();

    @Test
    void aSaveIsLoadedByTheOtherReplicaAndRaisesTheVersion() {
        long before = second().version();
        var drained = new SharedState.SharedBackend("http://10.0.0.5:8081", 3, "DRAINING", "config", false);
        first().saveBackend("10.0.0.5:8081", drained);
        first().saveStrategy("least-connections");
        SharedState.Snapshot snapshot = second().load();
        assertThat(snapshot.backends()).containsEntry("10.0.0.5:8081", drained);
        assertThat(snapshot.strategy()).isEqualTo("least-connections");
        assertThat(second().version()).isGreaterThanOrEqualTo(before + 2);
        assertThat(snapshot.version()).isEqualTo(second().version());

        var removed = new SharedState.SharedBackend("http://10.0.0.5:8081", 3, "ENABLED", "config", true);
        first().saveBackend("10.0.0.5:8081", removed);
        assertThat(second().load().backends()).containsEntry("10.0.0.5:8081", removed);
    }

    @Test
    void everyReplicaHearsOfASave() {
        AtomicInteger heard = new AtomicInteger();
        second().onChange(heard::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            first().saveStrategy("round-robin");
            assertThat(heard).hasPositiveValue();
        });
    }

    @Test
    void heartbeatsListLiveReplicasOnly() {
        first().heartbeat(new ReplicaView("gw-live", "http://10.0.0.1:9090", 5, Map.of("n1:8081", 5), "round-robin",
                System.currentTimeMillis()), Duration.ofSeconds(30));
        first().heartbeat(new ReplicaView("gw-gone", "http://10.0.0.2:9090", 1, Map.of(), "round-robin",
                System.currentTimeMillis()), Duration.ofMillis(-1));
        assertThat(second().replicas()).extracting(ReplicaView::id).contains("gw-live").doesNotContain("gw-gone");
        assertThat(second().replicas()).filteredOn(r -> r.id().equals("gw-live")).singleElement()
                .satisfies(r -> assertThat(r.backends()).containsEntry("n1:8081", 5));
    }
}
