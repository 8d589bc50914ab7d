package io.wsgrid.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's data plane.
 *
 * @param port               data port: WebSocket upgrades and {@code /api/v1/**} HTTP are relayed to nodes.
 * @param backends           ws-node base URLs known at startup, e.g. {@code http://10.0.0.5:8081}.
 * @param strategy           initial balancing strategy (switchable at runtime through the admin API).
 * @param hashFactor         consistent-hash bounded-load factor: no node gets more than this times the average.
 * @param handshakeTimeout   a client must complete its upgrade request, and a node answer it, within this time.
 * @param idleTimeout        a relayed session with no traffic either way for this long is closed; keep it above the
 *                           nodes' ping interval.
 * @param maxConnections     relayed sessions over all nodes (upgrades in progress count); past it an upgrade is
 *                           accepted and closed at once with 1013 (try again later).
 * @param maxConnectionsPerBackend relayed sessions per node (upgrades in progress count); a full node is skipped, and
 *                           when every node that is up is full the upgrade is accepted and closed with 1013.
 * @param connectRatePerIp   new connections per second one client IP may open (token bucket); beyond it 429.
 * @param connectBurstPerIp  bucket size of the per-IP limit.
 * @param drainRate          sessions per second closed with 1012 when a node is drained.
 * @param transport          the data plane's socket I/O: {@code auto} takes io_uring where the kernel and the
 *                           container allow it (fewer system calls per relayed frame: reads and writes of one event-loop
 *                           turn are submitted together), else epoll, else Java NIO; naming one that is not available
 *                           fails startup.
 * @param dns                discovery of nodes through DNS (a Kubernetes headless service).
 * @param health             active health checks.
 * @param api                forwarding of {@code /api/v1/**} calls.
 * @param sharedState        {@code none}: each replica keeps its own admin changes; {@code redis}: backend states,
 *                           weights, added or removed backends and the strategy are stored in Redis (Spring Boot's
 *                           {@code spring.data.redis.*} connection) and applied on every replica within 2 s.
 * @param sharedStatePrefix  prefix of the Redis keys and channel of the shared state; replicas that share it agree,
 *                           other prefixes on the same Redis never see them.
 * @param replica            how this replica names itself to the others.
 */
@Validated
@ConfigurationProperties("wsgrid.gateway")
public record GatewayProperties(
        @DefaultValue("8080") @Min(0) @Max(65535) int port,
        @DefaultValue List<URI> backends,
        @DefaultValue("round-robin") @NotNull String strategy,
        @DefaultValue("1.25") @DecimalMin("1.0") double hashFactor,
        @DefaultValue("10s") @NotNull Duration handshakeTimeout,
        @DefaultValue("120s") @NotNull Duration idleTimeout,
        @DefaultValue("100000") @Min(1) int maxConnections,
        @DefaultValue("50000") @Min(1) int maxConnectionsPerBackend,
        @DefaultValue("50") @Min(1) int connectRatePerIp,
        @DefaultValue("100") @Min(1) int connectBurstPerIp,
        @DefaultValue("200") @Min(1) int drainRate,
        @DefaultValue("auto") @NotNull TransportMode transport,
        @DefaultValue @Valid Dns dns,
        @DefaultValue @Valid Health health,
        @DefaultValue @Valid Api api,
        @DefaultValue("none") @NotNull SharedStateMode sharedState,
        @DefaultValue("wsgrid") @NotBlank String sharedStatePrefix,
        @DefaultValue @Valid Replica replica) {

    /** The data plane's socket I/O (see {@code transport}). */
    public enum TransportMode {
        AUTO, IO_URING, EPOLL, NIO
    }

    /** Where admin changes live: only in this replica, or in Redis for all replicas. */
    public enum SharedStateMode {
        NONE, REDIS
    }

    /**
     * @param connectTimeout  a node that does not accept the connection within this time is ejected and the call
     *                        goes to the next node.
     * @param responseTimeout a node that does not answer within this time gets the call retried once on another node
     *                        when it is idempotent (GET, HEAD, PUT, DELETE); otherwise the client gets 504.
     */
    public record Api(
            @DefaultValue("2s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration responseTimeout) {
    }

    /**
     * @param id        this replica's name among the gateways (empty: the host name and the admin port; the
     *                  Kubernetes base sets the pod name).
     * @param adminUrl  where the other replicas' operators reach this replica's admin port (empty:
     *                  {@code http://<host address>:<server.port>}).
     * @param heartbeat how often this replica publishes its connection counts and checks the shared state; a
     *                  replica silent for three heartbeats is dropped from the list.
     */
    public record Replica(
            @DefaultValue("") String id,
            @DefaultValue("") String adminUrl,
            @DefaultValue("1s") @NotNull Duration heartbeat) {
    }

    /**
     * @param name     DNS name whose A/AAAA records are the nodes (empty: off).
     * @param port     port of the nodes behind that name.
     * @param interval how often to resolve it again; a failed lookup keeps the last good set.
     */
    public record Dns(@DefaultValue("") String name, @DefaultValue("8081") int port, @DefaultValue("10s") Duration interval) {
    }

    /**
     * @param path     readiness path probed on each node.
     * @param interval time between probes.
     * @param timeout  a probe slower than this fails.
     * @param rise     consecutive successes that bring a node UP.
     * @param fall     consecutive failures that take it DOWN.
     */
    public record Health(
            @DefaultValue("/actuator/health/readiness") String path,
            @DefaultValue("2s") Duration interval,
            @DefaultValue("1s") Duration timeout,
            @DefaultValue("2") @Min(1) int rise,
            @DefaultValue("3") @Min(1) int fall) {
    }
}
