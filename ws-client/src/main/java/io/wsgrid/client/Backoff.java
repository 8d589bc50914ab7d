package io.wsgrid.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th retry waits
 * a uniformly random time in {@code [0, min(cap, base * 2^n))}. Full jitter spreads the reconnects of many clients
 * that lost one node at the same moment, so they do not arrive at the other nodes in waves. Immutable.
 *
 * @param base the ceiling of the first retry's delay
 * @param cap  the largest ceiling any retry gets
 */
public record Backoff(Duration base, Duration cap) {

    /** 0.5 s base, 30 s cap. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    public Backoff {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got base " + base + ", cap " + cap);
        }
    }

    /** The ceiling for retry number {@code attempt} (0 for the first retry). */
    public Duration ceiling(int attempt) {
        long baseNanos = base.toNanos();
        int shift = Math.min(Math.max(attempt, 0), 62 - (63 - Long.numberOfLeadingZeros(baseNanos)));
        long ceiling = baseNanos << shift;
        return Duration.ofNanos(Math.min(ceiling, cap.toNanos()));
    }

    /** The delay before retry number {@code attempt}, drawn from {@code random}. */
    public Duration delay(int attempt, RandomGenerator random) {
        return Duration.ofNanos(random.nextLong(ceiling(attempt).toNanos()));
    }

    /** The delay after a 1012 (service restart): reconnect at once, spread only by jitter under {@code base}. */
    public Duration immediate(RandomGenerator random) {
        return Duration.ofNanos(random.nextLong(base.toNanos()));
    }
}
