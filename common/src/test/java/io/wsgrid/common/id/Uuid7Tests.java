package io.wsgrid.common.id;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Uuid7Tests {

    @Test
    void carriesVersionVariantAndTime() {
        UUID id = new Uuid7(() -> 1_732_000_000_000L).nextId();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(Uuid7.timestamp(id)).isEqualTo(1_732_000_000_000L);
    }

    @Test
    void idsWithinOneMillisecondAndAcrossAClockStepBackStayOrdered() {
        AtomicLong clock = new AtomicLong(1_000_000L);
        Uuid7 gen = new Uuid7(clock::get);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            if (i == 5_000) {
                clock.set(999_000L);
            }
            ids.add(gen.nextId().toString());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void concurrentIdsAreUnique() {
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 8).parallel().forEach(t -> {
            for (int i = 0; i < 20_000; i++) {
                ids.add(Uuid7.next());
            }
        });
        assertThat(ids).hasSize(160_000);
    }

    @Test
    void stringsSortByTime() {
        AtomicLong clock = new AtomicLong(1L);
        Uuid7 gen = new Uuid7(clock::get);
        Set<String> seen = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(1_000L);
            String id = gen.nextId().toString();
            assertThat(id).isGreaterThan(previous);
            assertThat(seen.add(id)).isTrue();
            previous = id;
        }
    }
}
