package io.wsgrid.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The wsgrid node: WebSocket endpoint, sharded hub, REST messaging API. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class NodeApplication {

    static {
        // Before any Lettuce class loads, in every way a node starts (main, tests, tools).
        ServerTransport.lettuceOnEpoll();
    }

    public static void main(String[] args) {
        SpringApplication.run(NodeApplication.class, args);
    }
}
