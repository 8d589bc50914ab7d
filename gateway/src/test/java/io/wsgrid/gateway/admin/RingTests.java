package io.wsgrid.gateway.admin;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingTests {

    @Test
    void keepsItemsOldestFirstUntilFull() {
        Ring<Integer> ring = new Ring<>(3);
        assertThat(ring.snapshot()).isEmpty();
        assertThat(ring.last()).isNull();
        ring.add(1);
        ring.add(2);
        assertThat(ring.snapshot()).containsExactly(1, 2);
        assertThat(ring.last()).isEqualTo(2);
    }

    @Test
    void forgetsTheOldestOnceFullSoMemoryStaysBounded() {
        Ring<Integer> ring = new Ring<>(3);
        for (int i = 1; i <= 10; i++) {
            ring.add(i);
        }
        assertThat(ring.snapshot()).containsExactly(8, 9, 10);
        assertThat(ring.last()).isEqualTo(10);
        assertThat(ring.capacity()).isEqualTo(3);
    }

    @Test
    void aSnapshotDoesNotChangeWithLaterAdds() {
        Ring<Integer> ring = new Ring<>(2);
        ring.add(1);
        List<Integer> before = ring.snapshot();
        ring.add(2);
        ring.add(3);
        assertThat(before).containsExactly(1);
        assertThat(ring.snapshot()).containsExactly(2, 3);
    }

    @Test
    void aRingOfOneHoldsTheNewest() {
        Ring<String> ring = new Ring<>(1);
        ring.add("a");
        ring.add("b");
        assertThat(ring.snapshot()).containsExactly("b");
    }

    @Test
    void aRingNeedsRoom() {
        assertThatThrownBy(() -> new Ring<>(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
