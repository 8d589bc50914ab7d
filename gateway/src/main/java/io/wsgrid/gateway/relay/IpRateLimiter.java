package io.wsgrid.gateway.relay;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.wsgrid.gateway.GatewayProperties;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** A token bucket per client IP for new WebSocket sessions; idle buckets are forgotten after a minute. */
@Component
class IpRateLimiter {

    private record Entry(Bucket bucket, long lastUsedMillis) {
    }

    private final Map<String, Entry> buckets = new ConcurrentHashMap<>();
    private final Bandwidth limit;

    IpRateLimiter(GatewayProperties properties) {
        limit = Bandwidth.builder().capacity(properties.connectBurstPerIp())
                .refillGreedy(properties.connectRatePerIp(), Duration.ofSeconds(1)).build();
    }

    boolean tryAcquire(String ip) {
        long now = System.currentTimeMillis();
        Entry entry = buckets.compute(ip, (k, e) -> new Entry(e == null ? Bucket.builder().addLimit(limit).build() : e.bucket(), now));
        return entry.bucket().tryConsume(1);
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetIdle() {
        long cutoff = System.currentTimeMillis() - 60_000;
        buckets.values().removeIf(e -> e.lastUsedMillis() < cutoff);
    }
}
