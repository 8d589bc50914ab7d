package io.wsgrid.common.hash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistentHashTests {

    private static ConsistentHash<String> ring(int members) {
        List<String> m = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            m.add("node" + i);
        }
        return new ConsistentHash<>(m, Function.identity(), 160, 1.25);
    }

    @Test
    void addingOneMemberToNMovesAboutOneInNPlusOneKeys() {
        for (int n : new int[] {3, 5, 10}) {
            ConsistentHash<String> before = ring(n);
            ConsistentHash<String> after = ring(n + 1);
            int moved = 0;
            int keys = 20_000;
            for (int k = 0; k < keys; k++) {
                if (!before.lookup("user" + k).equals(after.lookup("user" + k))) {
                    moved++;
                }
            }
            // Ideal is 1/(N+1); virtual points leave a few percent of spread.
            assertThat(moved / (double) keys).as("moved with N=%d", n).isLessThan(1.0 / (n + 1) * 1.3);
        }
    }

    @Test
    void boundedLoadNeverExceedsTheFactorTimesTheAverage() {
        ConsistentHash<String> ring = ring(4);
        Map<String, Integer> load = new HashMap<>();
        int total = 0;
        for (int k = 0; k < 10_000; k++) {
            // A skewed key space: every key hashes near a few points without the bound.
            String member = ring.pick("hot-user-" + (k % 7), m -> load.getOrDefault(m, 0), total);
            load.merge(member, 1, Integer::sum);
            total++;
            int bound = (int) Math.ceil(1.25 * total / 4.0);
            assertThat(load.values()).allMatch(l -> l <= bound);
        }
    }

    @Test
    void theSameKeyMapsToTheSameMember() {
        ConsistentHash<String> ring = ring(5);
        assertThat(ring.lookup("alice")).isEqualTo(ring(5).lookup("alice"));
        assertThat(new ConsistentHash<String>(List.of(), Function.identity(), 10, 1.25).lookup("x")).isNull();
    }
}
