package io.wsgrid.gateway.replicas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The shared state in Redis, through Spring Boot's connection ({@code spring.data.redis.*}: standalone, Sentinel,
 * Cluster, TLS). Keys under {@code <prefix>:gateway:}: {@code backends} (a hash, backend id to JSON),
 * {@code strategy}, {@code version} (a counter raised by every save) and {@code replicas} (a hash, replica id to its
 * heartbeat JSON; stale entries are skipped and deleted by readers). Saves are announced on the channel
 * {@code <prefix>:gateway:changes}; the listener container subscribes again by itself after an outage. No call
 * touches two keys at once, so the keys need no common hash slot in Redis Cluster.
 */
final class RedisSharedState implements SharedState {

    private final StringRedisTemplate redis;
    private final RedisMessageListenerContainer listeners;
    private final JsonMapper json;
    private final String backendsKey;
    private final String strategyKey;
    private final String versionKey;
    private final String replicasKey;
    private final String channel;

    RedisSharedState(StringRedisTemplate redis, RedisMessageListenerContainer listeners, JsonMapper json, String prefix) {
        this.redis = redis;
        this.listeners = listeners;
        this.json = json;
        String base = prefix + ":gateway:";
        this.backendsKey = base + "backends";
        this.strategyKey = base + "strategy";
        this.versionKey = base + "version";
        this.replicasKey = base + "replicas";
        this.channel = base + "changes";
    }

    @Override
    public Snapshot load() {
        Map<String, SharedBackend> backends = new HashMap<>();
        redis.<String, String>opsForHash().entries(backendsKey)
                .forEach((id, value) -> backends.put(id, json.readValue(value, SharedBackend.class)));
        return new Snapshot(redis.opsForValue().get(strategyKey), backends, version());
    }

    @Override
    public long version() {
        String v = redis.opsForValue().get(versionKey);
        return v == null ? 0 : Long.parseLong(v);
    }

    @Override
    public void saveBackend(String id, SharedBackend backend) {
        redis.opsForHash().put(backendsKey, id, json.writeValueAsString(backend));
        announce();
    }

    @Override
    public void saveStrategy(String strategy) {
        redis.opsForValue().set(strategyKey, strategy);
        announce();
    }

    private void announce() {
        Long version = redis.opsForValue().increment(versionKey);
        redis.convertAndSend(channel, String.valueOf(version));
    }

    @Override
    public void heartbeat(ReplicaView replica, Duration ttl) {
        record Beat(ReplicaView replica, long expiresMillis) {
        }
        redis.opsForHash().put(replicasKey, replica.id(), json.writeValueAsString(new Beat(replica, System.currentTimeMillis() + ttl.toMillis())));
    }

    @Override
    public List<ReplicaView> replicas() {
        long now = System.currentTimeMillis();
        List<ReplicaView> live = new ArrayList<>();
        List<Object> stale = new ArrayList<>();
        redis.<String, String>opsForHash().entries(replicasKey).forEach((id, value) -> {
            var beat = json.readTree(value);
            if (beat.path("expiresMillis").asLong() > now) {
                live.add(json.treeToValue(beat.path("replica"), ReplicaView.class));
            }
            else {
                stale.add(id);
            }
        });
        if (!stale.isEmpty()) {
            redis.opsForHash().delete(replicasKey, stale.toArray());
        }
        live.sort(Comparator.comparing(ReplicaView::id));
        return live;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.addMessageListener((message, pattern) -> listener.run(), new ChannelTopic(channel));
    }
}
