package io.wsgrid.gateway.backend;

import java.net.URI;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class DnsDiscoveryTests {

    private static GatewayProperties properties(String name) {
        return new Binder(new MapConfigurationPropertySource(java.util.Map.of(
                "wsgrid.gateway.dns.name", name, "wsgrid.gateway.dns.port", "18081",
                "wsgrid.gateway.backends", "http://10.9.9.9:8081")))
                .bindOrCreate("wsgrid.gateway", Bindable.of(GatewayProperties.class));
    }

    @Test
    void resolvedAddressesBecomeBackendsAndConfiguredOnesStay() {
        GatewayProperties props = properties("localhost");
        Backends backends = new Backends(props, new SimpleMeterRegistry());
        new DnsDiscovery(backends, props).runOnce();
        assertThat(backends.all()).extracting(Backend::source).contains("config", "dns");
        assertThat(backends.all()).anySatisfy(b -> assertThat(b.id()).endsWith(":18081").isNotEqualTo("10.9.9.9:18081"));
    }

    @Test
    void aFailedLookupKeepsTheLastGoodSet() {
        GatewayProperties props = properties("no-such-host.invalid");
        Backends backends = new Backends(props, new SimpleMeterRegistry());
        backends.sync("dns", List.of(URI.create("http://127.0.0.2:18081")));
        new DnsDiscovery(backends, props).runOnce();
        assertThat(backends.get("127.0.0.2:18081")).isPresent();
    }

    @Test
    void addressesThatDisappearAreRemoved() {
        Backends backends = new Backends(properties("localhost"), new SimpleMeterRegistry());
        backends.sync("dns", List.of(URI.create("http://127.0.0.2:18081"), URI.create("http://127.0.0.3:18081")));
        backends.sync("dns", List.of(URI.create("http://127.0.0.3:18081")));
        assertThat(backends.all()).extracting(Backend::id).containsExactlyInAnyOrder("10.9.9.9:8081", "127.0.0.3:18081");
    }

    @Test
    void ipv6AddressesGetBracketsAndBecomeUsableBackends() throws Exception {
        assertThat(DnsDiscovery.uri(java.net.InetAddress.getByName("fd00::5"), 8081)).hasToString("http://[fd00:0:0:0:0:0:0:5]:8081");
        assertThat(DnsDiscovery.uri(java.net.InetAddress.getByName("10.0.0.5"), 8081)).hasToString("http://10.0.0.5:8081");
        assertThat(DnsDiscovery.uri(java.net.InetAddress.getByName("fe80::1%1"), 8081).getHost()).isEqualTo("[fe80:0:0:0:0:0:0:1]");

        GatewayProperties props = properties("::1");
        Backends backends = new Backends(props, new SimpleMeterRegistry());
        new DnsDiscovery(backends, props).runOnce();
        Backend v6 = backends.get("[0:0:0:0:0:0:0:1]:18081").orElseThrow();
        assertThat(v6.uri()).hasToString("http://[0:0:0:0:0:0:0:1]:18081");
        assertThat(v6.port()).isEqualTo(18081);
        // What the relay connects to: Java and Netty resolve the bracketed literal to the IPv6 address.
        assertThat(java.net.InetAddress.getByName(v6.host())).isEqualTo(java.net.InetAddress.getByName("::1"));
    }
}
