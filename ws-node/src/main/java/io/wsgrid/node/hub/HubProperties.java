package io.wsgrid.node.hub;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The sharded session hub.
 *
 * @param shards number of shards, a power of two. More shards mean less lock contention when many sessions connect,
 *               join and leave at once; group and broadcast sends visit every shard, so very many shards cost a little
 *               on each of those. 64 suits up to a few hundred thousand sessions per node.
 * @param maxGroupsPerSession how many groups one session may join; a join beyond it is refused with {@code forbidden}.
 */
@Validated
@ConfigurationProperties("wsgrid.node.hub")
public record HubProperties(
        @DefaultValue("64") @Min(1) @Max(4096) int shards,
        @DefaultValue("1000") @Min(1) int maxGroupsPerSession) {

    public HubProperties {
        if (Integer.bitCount(shards) != 1) {
            throw new IllegalArgumentException("wsgrid.node.hub.shards must be a power of two, got " + shards);
        }
    }
}
