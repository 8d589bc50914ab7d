package io.wsgrid.gateway.replicas;

import java.net.Socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** The shared-state contract against the local Redis, two connections standing for two replicas, own key prefix. */
class RedisSharedStateIT extends SharedStateContract {

    private final String prefix = "wsgrid-gw-contract-" + Long.toHexString(System.nanoTime());
    private LettuceConnectionFactory connections;
    private RedisMessageListenerContainer firstListeners;
    private RedisMessageListenerContainer secondListeners;
    private SharedState first;
    private SharedState second;

    @BeforeEach
    void connect() {
        try (Socket s = new Socket("127.0.0.1", 6379)) {
            s.isConnected();
        }
        catch (java.io.IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("Redis must run on 127.0.0.1:6379 in CI", e);
            }
            Assumptions.abort("no Redis on 127.0.0.1:6379: " + e.getMessage());
        }
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
        StringRedisTemplate redis = new StringRedisTemplate(connections);
        JsonMapper json = JsonMapper.builder().build();
        firstListeners = listeners();
        secondListeners = listeners();
        first = new RedisSharedState(redis, firstListeners, json, prefix);
        second = new RedisSharedState(redis, secondListeners, json, prefix);
    }

    private RedisMessageListenerContainer listeners() {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.afterPropertiesSet();
        container.start();
        return container;
    }

    @AfterEach
    void disconnect() throws Exception {
        if (connections != null) {
            new StringRedisTemplate(connections).delete(new StringRedisTemplate(connections).keys(prefix + ":*"));
            firstListeners.destroy();
            secondListeners.destroy();
            connections.destroy();
        }
    }

    @Override
    SharedState first() {
        return first;
    }

    @Override
    SharedState second() {
        return second;
    }
}
