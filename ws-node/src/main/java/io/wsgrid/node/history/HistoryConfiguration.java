package io.wsgrid.node.history;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The standalone node's in-memory history; clustered nodes get the Redis one from the cluster configuration. */
@Configuration(proxyBeanMethods = false)
class HistoryConfiguration {

    @Bean
    @ConditionalOnProperty(name = "wsgrid.cluster.bus", havingValue = "memory", matchIfMissing = true)
    InMemoryHistory inMemoryHistory(HistoryProperties properties, Clock clock) {
        return new InMemoryHistory(properties, clock);
    }
}
