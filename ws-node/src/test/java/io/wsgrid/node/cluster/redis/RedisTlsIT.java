package io.wsgrid.node.cluster.redis;

import java.util.List;

import io.wsgrid.node.support.RedisServers;

/**
 * A Redis that speaks TLS only, its certificate trusted through a Spring Boot SSL bundle
 * ({@code spring.ssl.bundle.pem.*} and {@code spring.data.redis.ssl.bundle}); the host name is verified.
 *
 * <p>Lettuce bounds a connection's set-up (TLS handshake included) by the command timeout; a JVM's first TLS
 * handshake on a loaded CI machine can take longer than wsgrid's 2 s default, so this test sets
 * {@code spring.data.redis.timeout}, which also shows that the node's default gives way to it.
 */
class RedisTlsIT extends RedisDeploymentCases {

    @Override
    protected List<String> startRedis(RedisServers servers) throws Exception {
        RedisServers.Tls tls = servers.tlsOnly();
        return List.of("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + tls.port(),
                "spring.data.redis.timeout=10s",
                "spring.ssl.bundle.pem.wsgrid-redis.truststore.certificate=file:" + tls.certificate(),
                "spring.data.redis.ssl.bundle=wsgrid-redis");
    }
}
