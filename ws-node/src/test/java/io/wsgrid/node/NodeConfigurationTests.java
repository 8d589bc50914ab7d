package io.wsgrid.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.wsgrid.node.hub.HubProperties;
import io.wsgrid.node.session.SessionProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad configuration stops the node with a message that names the property. The node's properties are bound and
 * validated exactly as at startup (the same {@code @ConfigurationPropertiesScan} over the node's packages), without
 * starting the rest of the application; {@link NodeConfigurationIT} checks that the real application fails the same way.
 */
class NodeConfigurationTests {

    /** Every {@code @ConfigurationProperties} record of the node, found the way {@link NodeApplication} finds them. */
    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan(basePackageClasses = NodeApplication.class)
    static class NodeProperties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(NodeProperties.class)
            .withPropertyValues("wsgrid.auth.mode=none");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "wsgrid.node.hub.shards=63                  | wsgrid.node.hub.shards must be a power of two",
            "wsgrid.node.session.idle-timeout=1s        | wsgrid.node.session.idle-timeout",
            "wsgrid.node.session.max-frame-size=10B     | wsgrid.node.session.max-frame-size",
            "wsgrid.node.session.outbound-queue-frames=0| outboundQueueFrames",
            "wsgrid.node.id=not a valid id!             | wsgrid.node",
            "wsgrid.node.transport=kqueue               | wsgrid.node.transport",
            "wsgrid.node.offline.ttl=10ms               | wsgrid.node.offline.ttl",
            "wsgrid.auth.mode=jwt;wsgrid.auth.tenants.acme.jwt-secret=short;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.jwt-secret must be at least 32 bytes",
            "wsgrid.auth.mode=jwt;wsgrid.auth.tenants.acme.jwt-secret=0123456789abcdef0123456789abcdef | wsgrid.auth.tenants.acme.api-key must be set",
            "wsgrid.auth.mode=maybe                     | wsgrid.auth.mode"})
    void invalidConfigurationFailsStartupNamingTheProperty(String properties, String expected) {
        runner.withPropertyValues(properties.trim().split(";")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(expected.trim());
        });
    }

    @Test
    void theDefaultsAreValid() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(HubProperties.class).shards()).isEqualTo(64);
            assertThat(context.getBean(SessionProperties.class).path()).isEqualTo("/ws");
        });
    }
}
