package io.wsgrid.gateway.balancing;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wsgrid.gateway.backend.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategiesTests {

    private static Backend backend(String id, int weight) {
        return new Backend(id, URI.create("http://" + id), weight, "test");
    }

    private static Map<String, Integer> picks(Strategy strategy, List<Backend> backends, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(strategy.pick(backends, new Strategy.Request("10.0.0." + (i % 250), "user" + i)).id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void weights121Give255025WithinTwoPercent() {
        List<Backend> backends = List.of(backend("a:1", 1), backend("b:1", 2), backend("c:1", 1));
        Map<String, Integer> counts = picks(Strategies.create("weighted-round-robin", 1.25), backends, 10_000);
        assertThat(counts.get("a:1") / 10_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts.get("b:1") / 10_000.0).isCloseTo(0.50, org.assertj.core.data.Offset.offset(0.02));
        assertThat(counts.get("c:1") / 10_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void smoothWeightedInterleavesInsteadOfBursting() {
        List<Backend> backends = List.of(backend("a:1", 1), backend("b:1", 2), backend("c:1", 1));
        Strategy s = Strategies.create("weighted-round-robin", 1.25);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            order.append(s.pick(backends, new Strategy.Request(null, null)).id().charAt(0));
        }
        // Nginx's smooth order for 1:2:1: the heavy backend's picks are spread through each cycle, not bunched.
        assertThat(order.toString()).isEqualTo("bacbbacb");
    }

    @Test
    void roundRobinIsEven() {
        List<Backend> backends = List.of(backend("a:1", 1), backend("b:1", 1), backend("c:1", 1));
        assertThat(picks(Strategies.create("round-robin", 1.25), backends, 9_000).values()).containsOnly(3_000);
    }

    @Test
    void ipHashAndConsistentHashAreSticky() {
        List<Backend> backends = List.of(backend("a:1", 1), backend("b:1", 1), backend("c:1", 1));
        Strategy ip = Strategies.create("ip-hash", 1.25);
        Strategy ch = Strategies.create("consistent-hash", 1.25);
        Backend firstIp = ip.pick(backends, new Strategy.Request("192.168.1.7", null));
        Backend firstUser = ch.pick(backends, new Strategy.Request("1.1.1.1", "alice"));
        for (int i = 0; i < 20; i++) {
            assertThat(ip.pick(backends, new Strategy.Request("192.168.1.7", null))).isSameAs(firstIp);
            assertThat(ch.pick(backends, new Strategy.Request("2.2.2." + i, "alice"))).isSameAs(firstUser);
        }
    }

    @Test
    void unknownStrategiesAreNamed() {
        assertThatThrownBy(() -> Strategies.create("fastest", 1.25)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown strategy 'fastest'")
                .hasMessageContaining("least-connections")
                .hasMessageContaining("least_conn");
    }

    @ParameterizedTest
    @CsvSource({"round_robin, round-robin", "weighted_round_robin, weighted-round-robin", "least_conn, least-connections",
            "ip_hash, ip-hash", "consistent_hash, consistent-hash", "random_two_choices, random-two-choices",
            "p2c, random-two-choices"})
    void theSeedsGoBalancerNamesAreAliases(String alias, String canonical) {
        assertThat(Strategies.canonical(alias)).isEqualTo(canonical);
        assertThat(Strategies.create(alias, 1.25).name()).isEqualTo(canonical);
    }

    @Test
    void everyCanonicalNameBuildsItsOwnStrategy() {
        for (String name : Strategies.NAMES) {
            assertThat(Strategies.create(name, 1.25).name()).isEqualTo(name);
        }
    }

    @Test
    void namesIgnoreCaseAndSurroundingBlanks() {
        assertThat(Strategies.canonical(" Least_Conn ")).isEqualTo("least-connections");
        assertThat(Strategies.canonical("ROUND-ROBIN")).isEqualTo("round-robin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "least-conn", "round robin", "leastconn"})
    void nearMissesAreRefusedWithTheValidNames(String name) {
        assertThatThrownBy(() -> Strategies.canonical(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown strategy '" + name.strip() + "'; use one of [round-robin,");
    }

    @Test
    void aMissingNameIsRefusedClearly() {
        assertThatThrownBy(() -> Strategies.create(null, 1.25)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown strategy ''");
    }

    @Test
    void underscoreAndUpperCaseNamesAreAccepted() {
        assertThat(Strategies.create("least_connections", 1.25).name()).isEqualTo("least-connections");
        assertThat(Strategies.create(" Random_Two_Choices ", 1.25).name()).isEqualTo("random-two-choices");
        assertThatThrownBy(() -> Strategies.create("fastest", 1.25)).isInstanceOf(IllegalArgumentException.class);
    }
}
