package io.wsgrid.gateway.replicas;

import java.time.Duration;

import io.wsgrid.gateway.GatewayProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** Picks the shared state by {@code wsgrid.gateway.shared-state}: in memory (the default) or Redis. */
@Configuration(proxyBeanMethods = false)
class SharedStateConfiguration {

    @Bean
    @ConditionalOnProperty(prefix = "wsgrid.gateway", name = "shared-state", havingValue = "none", matchIfMissing = true)
    SharedState memorySharedState() {
        return new MemorySharedState();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "wsgrid.gateway", name = "shared-state", havingValue = "redis")
    static class Redis {

        @Bean
        RedisMessageListenerContainer sharedStateListeners(RedisConnectionFactory connections) {
            RedisMessageListenerContainer container = new RedisMessageListenerContainer();
            container.setConnectionFactory(connections);
            // After an outage the subscription comes back within a second; the heartbeat's version check covers the gap.
            container.setRecoveryInterval(Duration.ofSeconds(1).toMillis());
            return container;
        }

        @Bean
        SharedState redisSharedState(StringRedisTemplate redis, RedisMessageListenerContainer sharedStateListeners, JsonMapper json,
                GatewayProperties properties) {
            return new RedisSharedState(redis, sharedStateListeners, json, properties.sharedStatePrefix());
        }
    }
}
