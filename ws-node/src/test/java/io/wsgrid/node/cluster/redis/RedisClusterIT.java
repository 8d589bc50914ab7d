package io.wsgrid.node.cluster.redis;

import java.util.List;

import io.wsgrid.node.support.RedisServers;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis Cluster of three primaries, the nodes given only {@code spring.data.redis.cluster.nodes}. The bus uses
 * sharded pub/sub.
 * Every key of a user or group carries its hash tag, so the directory's and history's scripts each touch one slot;
 * the delivery, presence and offline-queue cases run as on a single Redis.
 */
class RedisClusterIT extends RedisDeploymentCases {

    private List<Integer> ports;

    @Override
    protected List<String> startRedis(RedisServers servers) throws Exception {
        ports = servers.cluster(3);
        return List.of("spring.data.redis.cluster.nodes=" + String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList()));
    }

    @Test
    @Order(0)
    void everyNodeSubscribesToTheBusWithShardedPubSubOnly() throws Exception {
        String bus = "{" + name + ":bus}:";
        assertThat(subscribers("SHARDNUMSUB", bus + "all")).isEqualTo(2);
        assertThat(subscribers("SHARDNUMSUB", bus + "node:a")).isEqualTo(1);
        assertThat(subscribers("NUMSUB", bus + "all")).isZero();
    }

    /** Subscribers of {@code channel} summed over every primary ({@code PUBSUB} counts only its own node's clients). */
    private int subscribers(String kind, String channel) throws Exception {
        int total = 0;
        for (int port : ports) {
            String[] answer = RedisServers.cli(port, "PUBSUB", kind, channel).strip().split("\n");
            total += Integer.parseInt(answer[answer.length - 1].strip());
        }
        return total;
    }

}
