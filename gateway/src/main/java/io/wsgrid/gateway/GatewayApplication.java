package io.wsgrid.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The wsgrid gateway: a WebSocket load balancer (data port) with an admin API and UI (admin port). */
@SpringBootApplication
@ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class GatewayApplication {

    static {
        // Lettuce (shared state in Redis) stays on epoll: with io_uring on the class path too it sets io_uring's TCP
        // keep-alive options on its epoll channels, which Netty refuses, and Redis connections lose their keep-alive.
        System.getProperties().putIfAbsent("io.lettuce.core.iouring", "false");
    }

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
