package io.wsgrid.node;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad configuration stops the node at startup with a message that names the property. */
class NodeConfigurationIT {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "wsgrid.node.hub.shards=63                  | wsgrid.node.hub.shards must be a power of two",
            "wsgrid.node.session.idle-timeout=1s        | wsgrid.node.session.idle-timeout",
            "wsgrid.node.session.max-frame-size=10B     | wsgrid.node.session.max-frame-size",
            "wsgrid.node.session.outbound-queue-frames=0| outboundQueueFrames",
            "wsgrid.node.id=not a valid id!             | wsgrid.node",
            "wsgrid.node.offline.ttl=10ms               | wsgrid.node.offline.ttl",
            "wsgrid.auth.mode=jwt;wsgrid.auth.tenants.acme.jwt-secret=short;wsgrid.auth.tenants.acme.api-key=k | wsgrid.auth.tenants.acme.jwt-secret must be at least 32 bytes",
            "wsgrid.auth.mode=jwt;wsgrid.auth.tenants.acme.jwt-secret=0123456789abcdef0123456789abcdef | wsgrid.auth.tenants.acme.api-key must be set",
            "wsgrid.auth.mode=maybe                     | wsgrid.auth.mode"})
    void invalidConfigurationFailsStartupNamingTheProperty(String property, String expected) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(NodeApplication.class)
                .web(WebApplicationType.REACTIVE)
                .properties("wsgrid.auth.mode=none")
                .run(java.util.stream.Stream.concat(java.util.stream.Stream.of("server.port=0"), java.util.Arrays.stream(property.trim().split(";")))
                        .map(p -> "--" + p).toArray(String[]::new)).close())
                .hasStackTraceContaining(expected.trim());
    }
}
