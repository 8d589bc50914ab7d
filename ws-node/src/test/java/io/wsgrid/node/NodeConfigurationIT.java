package io.wsgrid.node;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole application refuses to start on bad configuration, naming the property. Each property rule is covered by
 * {@link NodeConfigurationTests} without starting the app; this one case proves the real startup path binds the same way.
 */
class NodeConfigurationIT {

    @Test
    void theNodeDoesNotStartWithBadConfigurationAndSaysWhichProperty() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(NodeApplication.class)
                .web(WebApplicationType.REACTIVE)
                .properties("wsgrid.auth.mode=none")
                .run("--server.port=0", "--wsgrid.node.hub.shards=63").close())
                .hasStackTraceContaining("wsgrid.node.hub.shards must be a power of two");
    }
}
