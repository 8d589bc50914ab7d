package io.wsgrid.gateway.balancing;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsgrid.common.hash.ConsistentHash;
import io.wsgrid.gateway.backend.Backend;

/** The balancing strategies, by their names in config and the admin API. */
public final class Strategies {

    public static final List<String> NAMES = List.of("round-robin", "weighted-round-robin", "least-connections", "ip-hash",
            "consistent-hash", "random-two-choices");

    /**
     * The seeds' Go balancer names, accepted wherever a strategy is named so that a config or script written for
     * the seeds keeps working. The canonical name is what the gateway reports back.
     */
    public static final Map<String, String> ALIASES = Map.of("round_robin", "round-robin",
            "weighted_round_robin", "weighted-round-robin", "least_conn", "least-connections", "ip_hash", "ip-hash",
            "consistent_hash", "consistent-hash", "random_two_choices", "random-two-choices", "p2c", "random-two-choices");

    private Strategies() {
    }

    /**
     * The canonical name for a strategy name or alias, ignoring case and surrounding blanks; throws
     * {@link IllegalArgumentException} naming the valid ones otherwise.
     */
    public static String canonical(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        // The seeds' own names first; then any of ours spelt with underscores (least_connections), as config files do.
        String canonical = ALIASES.getOrDefault(key, key.replace('_', '-'));
        if (!NAMES.contains(canonical)) {
            throw new IllegalArgumentException("unknown strategy '" + (name == null ? "" : name.strip()) + "'; use one of "
                    + NAMES + " (the seeds' names " + new TreeSet<>(ALIASES.keySet()) + " are accepted too)");
        }
        return canonical;
    }

    /** A new strategy instance by name or alias; throws {@link IllegalArgumentException} naming the valid ones otherwise. */
    public static Strategy create(String name, double hashFactor) {
        return switch (canonical(name)) {
            case "round-robin" -> new RoundRobin();
            case "weighted-round-robin" -> new SmoothWeighted();
            case "least-connections" -> new LeastConnections();
            case "ip-hash" -> new IpHash();
            case "consistent-hash" -> new BoundedConsistentHash(hashFactor);
            case "random-two-choices" -> new RandomTwoChoices();
            default -> throw new IllegalStateException("NAMES lists a strategy create() does not build: " + name);
        };
    }

    static final class RoundRobin implements Strategy {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public String name() {
            return "round-robin";
        }

        @Override
        public Backend pick(List<Backend> candidates, Request request) {
            return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
        }
    }

    /**
     * Nginx's smooth weighted round robin: each pick adds every backend's weight to its current score, takes the
     * highest and subtracts the total from it, so weights 1:2:1 go b, a, b, c rather than a, b, b, c.
     */
    static final class SmoothWeighted implements Strategy {
        private final Map<String, Integer> current = new HashMap<>();

        @Override
        public String name() {
            return "weighted-round-robin";
        }

        @Override
        public synchronized Backend pick(List<Backend> candidates, Request request) {
            int total = 0;
            Backend best = null;
            int bestScore = Integer.MIN_VALUE;
            for (Backend b : candidates) {
                int weight = b.weight(); // once: the admin API may change it meanwhile
                int score = current.merge(b.id(), weight, Integer::sum);
                total += weight;
                if (score > bestScore) {
                    bestScore = score;
                    best = b;
                }
            }
            current.merge(best.id(), -total, Integer::sum);
            current.keySet().retainAll(candidates.stream().map(Backend::id).toList());
            return best;
        }
    }

    static final class LeastConnections implements Strategy {
        private final AtomicInteger tieBreak = new AtomicInteger();

        @Override
        public String name() {
            return "least-connections";
        }

        @Override
        public Backend pick(List<Backend> candidates, Request request) {
            int offset = Math.floorMod(tieBreak.getAndIncrement(), candidates.size());
            Backend best = null;
            for (int i = 0; i < candidates.size(); i++) {
                Backend b = candidates.get((i + offset) % candidates.size());
                if (best == null || b.connections() < best.connections()) {
                    best = b;
                }
            }
            return best;
        }
    }

    static final class IpHash implements Strategy {
        @Override
        public String name() {
            return "ip-hash";
        }

        @Override
        public Backend pick(List<Backend> candidates, Request request) {
            int h = request.clientIp() == null ? 0 : request.clientIp().hashCode();
            return candidates.get(Math.floorMod(h ^ (h >>> 16), candidates.size()));
        }
    }

    /** Sessions of one user land on one node while it has room (bounded load); others fall back to the client IP. */
    static final class BoundedConsistentHash implements Strategy {
        private final double factor;
        private volatile Ring ring = new Ring(List.of(), null);

        private record Ring(List<String> ids, ConsistentHash<Backend> hash) {
        }

        BoundedConsistentHash(double factor) {
            this.factor = factor;
        }

        @Override
        public String name() {
            return "consistent-hash";
        }

        @Override
        public Backend pick(List<Backend> candidates, Request request) {
            List<String> ids = candidates.stream().map(Backend::id).toList();
            Ring current = ring;
            if (!current.ids().equals(ids)) {
                current = new Ring(ids, new ConsistentHash<>(candidates, Backend::id, 160, factor));
                ring = current;
            }
            int total = candidates.stream().mapToInt(Backend::connections).sum();
            String key = request.userKey() != null ? request.userKey() : String.valueOf(request.clientIp());
            return current.hash().pick(key, Backend::connections, total);
        }
    }

    /** Two random candidates, the one with fewer sessions wins (Mitzenmacher's power of two choices). */
    static final class RandomTwoChoices implements Strategy {
        @Override
        public String name() {
            return "random-two-choices";
        }

        @Override
        public Backend pick(List<Backend> candidates, Request request) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Backend a = candidates.get(random.nextInt(candidates.size()));
            Backend b = candidates.get(random.nextInt(candidates.size()));
            return a.connections() <= b.connections() ? a : b;
        }
    }
}
