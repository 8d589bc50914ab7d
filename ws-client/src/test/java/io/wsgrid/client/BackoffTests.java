package io.wsgrid.client;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTests {

    @Test
    void ceilingsDoubleFromTheBaseUpToTheCap() {
        Backoff b = Backoff.DEFAULT;
        assertThat(b.ceiling(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(b.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void delaysAreFullJitterUnderTheCeiling() {
        RandomGenerator random = new SplittableRandom(42);
        Backoff b = Backoff.DEFAULT;
        for (int attempt = 0; attempt < 20; attempt++) {
            for (int i = 0; i < 200; i++) {
                assertThat(b.delay(attempt, random)).isBetween(Duration.ZERO, b.ceiling(attempt));
            }
        }
        double mean = 0;
        for (int i = 0; i < 10_000; i++) {
            mean += b.delay(10, random).toMillis() / 10_000.0;
        }
        assertThat(mean).isBetween(14_000.0, 16_000.0);
    }

    @Test
    void serviceRestartReconnectsWithinTheBase() {
        RandomGenerator random = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            assertThat(Backoff.DEFAULT.immediate(random)).isLessThan(Duration.ofMillis(500));
        }
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("base");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("cap");
    }
}
