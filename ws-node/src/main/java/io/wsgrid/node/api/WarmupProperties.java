package io.wsgrid.node.api;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Warming the send path before readiness goes UP ({@link RestWarmup}): REST sends over loopback to WebSocket sessions of
 * a private node inside this one.
 *
 * @param requests    loopback sends to push through the path before the node reports ready; 0 turns the warm-up off.
 *                    More makes the first seconds after a (rolling) deploy faster and the start longer.
 * @param sessions    warm-up WebSocket sessions that receive those sends (one user each)
 * @param concurrency sends in flight at once during the warm-up (spreads them over the event loops)
 * @param timeout     the most the warm-up may add to the start; it stops there and the node becomes ready anyway
 * @param exitAfter   a training run: stop the application right after the warm-up. Used to record a JDK AOT cache
 *                    ({@code java -XX:AOTCacheOutput=ws-node.aot ... --wsgrid.node.warmup.exit-after=true}, see
 *                    docs/operations.md) with the classes and method profiles of startup and of the send path.
 */
@Validated
@ConfigurationProperties("wsgrid.node.warmup")
public record WarmupProperties(
        @DefaultValue("2000") @Min(0) @Max(1_000_000) int requests,
        @DefaultValue("32") @Min(1) @Max(1024) int sessions,
        @DefaultValue("16") @Min(1) @Max(1024) int concurrency,
        @DefaultValue("15s") @NotNull Duration timeout,
        @DefaultValue("false") boolean exitAfter) {
}
