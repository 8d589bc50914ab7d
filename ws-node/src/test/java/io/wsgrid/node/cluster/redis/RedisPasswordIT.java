package io.wsgrid.node.cluster.redis;

import java.util.List;

import io.wsgrid.node.support.RedisServers;

/** A standalone Redis that requires a password, reached through {@code spring.data.redis.url} with the password in it. */
class RedisPasswordIT extends RedisDeploymentCases {

    @Override
    protected List<String> startRedis(RedisServers servers) throws Exception {
        int port = servers.withPassword("s3cret-pw");
        return List.of("spring.data.redis.url=redis://:s3cret-pw@127.0.0.1:" + port);
    }
}
