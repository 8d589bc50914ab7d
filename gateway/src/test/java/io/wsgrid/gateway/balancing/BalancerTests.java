package io.wsgrid.gateway.balancing;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backends;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BalancerTests {

    private static Balancer balancer(String strategy) {
        GatewayProperties props = new Binder(new MapConfigurationPropertySource(Map.of(
                "wsgrid.gateway.backends", "http://10.0.0.1:8081,http://10.0.0.2:8081,http://10.0.0.3:8081",
                "wsgrid.gateway.strategy", strategy)))
                .bindOrCreate("wsgrid.gateway", Bindable.of(GatewayProperties.class));
        return new Balancer(new Backends(props, new SimpleMeterRegistry()), props);
    }

    @Test
    void apiCallsSpreadOverEveryNodeEvenUnderAUserKeyedStrategy() {
        Balancer balancer = balancer("consistent-hash");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            counts.merge(balancer.pickForApi(Set.of()).id(), 1, Integer::sum);
        }
        assertThat(counts).hasSize(3).allSatisfy((id, n) -> assertThat(n).isEqualTo(3));
    }

    @Test
    void triedBackendsAreSkipped() {
        Balancer balancer = balancer("round-robin");
        var first = balancer.pickForApi(Set.of());
        for (int i = 0; i < 6; i++) {
            assertThat(balancer.pickForApi(Set.of(first))).isNotEqualTo(first);
            assertThat(balancer.pick(new Strategy.Request("1.2.3.4", "u"), Set.of(first))).isNotEqualTo(first);
        }
    }

    @Test
    void configMayNameTheStrategyAsTheSeedsDid() {
        assertThat(balancer("least_conn").strategy()).isEqualTo("least-connections");
    }

    @Test
    void theAdminSwitchTakesAliasesAndKeepsTheStrategyOnAnUnknownName() {
        Balancer balancer = balancer("round-robin");
        balancer.strategy("p2c");
        assertThat(balancer.strategy()).isEqualTo("random-two-choices");
        assertThatThrownBy(() -> balancer.strategy("fastest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown strategy 'fastest'");
        assertThat(balancer.strategy()).isEqualTo("random-two-choices");
    }

    @Test
    void anUnknownStrategyInConfigFailsConstructionWithTheValidNames() {
        assertThatThrownBy(() -> balancer("fastest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use one of [round-robin");
    }
}
