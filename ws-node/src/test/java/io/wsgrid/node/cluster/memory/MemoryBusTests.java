package io.wsgrid.node.cluster.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsgrid.node.cluster.ClusterBus;
import io.wsgrid.node.cluster.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@link ClusterBus} sentences the in-memory bus keeps, and the faults a test can cause with it. */
class MemoryBusTests {

    private final MemoryBus bus = new MemoryBus();
    private final ClusterBus a = bus.join("a");
    private final ClusterBus b = bus.join("b");
    private final List<Long> atA = new CopyOnWriteArrayList<>();
    private final List<Long> atB = new CopyOnWriteArrayList<>();

    MemoryBusTests() {
        a.subscribe(e -> atA.add(e.offset()));
        b.subscribe(e -> atB.add(e.offset()));
    }

    @AfterEach
    void close() {
        bus.close();
    }

    private static Envelope envelope(long n) {
        return Envelope.group("a", "t", "g", n, "E", new byte[] {'{', '}'});
    }

    @Test
    void envelopesArriveOnceInPublishOrderAtEveryOtherNode() {
        for (long n = 1; n <= 100; n++) {
            a.publishToAll(envelope(n)).toCompletableFuture().join();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> atB.size() == 100);
        assertThat(atB).isSorted().doesNotHaveDuplicates();
        assertThat(atA).as("a node does not receive its own").isEmpty();
    }

    @Test
    void aNodeCutOffTheBusIsNotUpReceivesNothingAndCannotPublishUntilItReconnects() {
        bus.cut("b");

        assertThat(b.isUp()).isFalse();
        assertThat(a.publishTo("b", envelope(1)).toCompletableFuture().join()).isFalse();
        assertThat(b.publishToAll(envelope(2)).toCompletableFuture()).isCompletedExceptionally();

        bus.reconnect("b");
        assertThat(b.isUp()).isTrue();
        assertThat(a.publishTo("b", envelope(3)).toCompletableFuture().join()).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> atB.equals(List.of(3L)));
    }

    @Test
    void aLostEnvelopeIsReportedTakenAndNeverArrives() {
        bus.loseNext("b", 1);

        assertThat(a.publishTo("b", envelope(1)).toCompletableFuture().join()).isTrue();
        a.publishTo("b", envelope(2));
        await().atMost(Duration.ofSeconds(2)).until(() -> atB.equals(List.of(2L)));
    }
}
