package io.wsgrid.common.id;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Time-ordered UUID version 7 ids (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter (method 1 of section
 * 6.2) so ids made by one generator within the same millisecond still sort in creation order, then 62 random bits.
 * Ids from one generator are strictly increasing, also when the clock steps back; across nodes they order by time.
 * Thread-safe and lock-free.
 */
public final class Uuid7 {

    private static final Uuid7 SYSTEM = new Uuid7(System::currentTimeMillis);

    /** Packed (millis << 12 | counter) of the last id handed out. */
    private final AtomicLong last = new AtomicLong();
    private final LongSupplier clock;
    private final long randomSeedBits = new SecureRandom().nextLong();

    /** A generator on the given millisecond clock (tests inject one). */
    public Uuid7(LongSupplier clock) {
        this.clock = clock;
    }

    /** A new id from the shared system-clock generator. */
    public static UUID next() {
        return SYSTEM.nextId();
    }

    /** A new id as its canonical 36-character string. */
    public static String nextString() {
        return SYSTEM.nextId().toString();
    }

    /** A new id from this generator. */
    public UUID nextId() {
        long stamp = nextStamp();
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() ^ randomSeedBits) & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    private long nextStamp() {
        long now = clock.getAsLong() << 12;
        while (true) {
            long prev = last.get();
            // Same millisecond or a clock step back: count on from the last stamp; a counter overflow borrows the
            // next millisecond, which keeps order at the cost of running slightly ahead of the clock.
            long next = now > prev ? now : prev + 1;
            if (last.compareAndSet(prev, next)) {
                return next;
            }
        }
    }

    /** The Unix milliseconds encoded in a version 7 id. */
    public static long timestamp(UUID id) {
        if (id.version() != 7) {
            throw new IllegalArgumentException("not a UUIDv7: " + id);
        }
        return id.getMostSignificantBits() >>> 16;
    }
}
