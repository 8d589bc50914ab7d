package io.wsgrid.common.hash;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2016; as in HAProxy's {@code hash-balance-factor}):
 * keys map to the first member clockwise on a ring of virtual points, skipping members already holding more than
 * {@code factor} times the average load. Adding one member to N moves about 1/(N+1) of the keys; no member ever holds
 * more than {@code ceil(factor * (total + 1) / N)}. Immutable; build a new ring when members change.
 *
 * @param <T> the member type
 */
public final class ConsistentHash<T> {

    private final List<T> members;
    private final long[] points;
    private final int[] owners;
    private final double factor;

    /**
     * @param members          the members, each with a stable {@code key}
     * @param key              a member's identity on the ring (its id, not its position in the list)
     * @param virtualPoints    points per member; more points spread load more evenly (160 is typical)
     * @param factor           load bound, at least 1 (1.25 = at most 25% above average)
     */
    public ConsistentHash(List<T> members, java.util.function.Function<T, String> key, int virtualPoints, double factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be at least 1, got " + factor);
        }
        this.members = List.copyOf(members);
        this.factor = factor;
        int n = this.members.size() * virtualPoints;
        long[] rawPoints = new long[n];
        int[] rawOwners = new int[n];
        int i = 0;
        for (int m = 0; m < this.members.size(); m++) {
            String id = key.apply(this.members.get(m));
            for (int v = 0; v < virtualPoints; v++) {
                rawPoints[i] = hash(id + "#" + v);
                rawOwners[i] = m;
                i++;
            }
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Long.compare(rawPoints[a], rawPoints[b]));
        points = new long[n];
        owners = new int[n];
        for (int k = 0; k < n; k++) {
            points[k] = rawPoints[order[k]];
            owners[k] = rawOwners[order[k]];
        }
    }

    /** The member for {@code key} ignoring load, or null when there are no members. */
    public T lookup(String key) {
        return pick(key, m -> 0, 0);
    }

    /**
     * The member for {@code key} whose current load (from {@code load}) is under the bound, given {@code total} load
     * over all members before this pick; null when there are no members.
     */
    public T pick(String key, ToIntFunction<T> load, int total) {
        if (members.isEmpty()) {
            return null;
        }
        int bound = (int) Math.ceil(factor * (total + 1) / (double) members.size());
        int start = Arrays.binarySearch(points, hash(key));
        if (start < 0) {
            start = -start - 1;
        }
        for (int step = 0; step < points.length; step++) {
            T candidate = members.get(owners[(start + step) % points.length]);
            if (load.applyAsInt(candidate) < bound) {
                return candidate;
            }
        }
        return members.get(owners[start % points.length]);
    }

    public List<T> members() {
        return members;
    }

    /** 64-bit FNV-1a with a final avalanche (murmur3 fmix64), stable across JVMs and versions. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
