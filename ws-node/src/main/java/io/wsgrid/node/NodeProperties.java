package io.wsgrid.node;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Identity of this node.
 *
 * @param id        the node id shown to clients in the {@code connected} frame, in metrics and in cluster presence;
 *                  must be unique in the cluster. Defaults to {@code node} for a standalone node; set it per instance
 *                  (the pod name on Kubernetes).
 * @param transport the socket I/O of the HTTP and WebSocket server: {@code auto} takes io_uring where the kernel and
 *                  the container allow it, then epoll, then NIO; {@code io-uring}, {@code epoll} or {@code nio} force
 *                  one (the start fails when it is not available). io_uring hands an event-loop turn's reads and writes to the
 *                  kernel in one submission, which cuts a REST send's CPU by about a third (docs/benchmarks.md).
 */
@Validated
@ConfigurationProperties("wsgrid.node")
public record NodeProperties(
        @DefaultValue("node") @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}",
                message = "must be 1 to 64 letters, digits, '.', '_' or '-'") String id,
        @DefaultValue("auto") @NotNull Transport transport) {

    /** See {@code transport}. */
    public enum Transport {
        AUTO, IO_URING, EPOLL, NIO
    }
}
