package io.wsgrid.node.lifecycle;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Graceful shutdown of the node.
 *
 * @param readinessDelay time between reporting readiness DOWN and closing the first session, so load balancers stop
 *                       sending new connections first. On Kubernetes the preStop hook usually covers this.
 * @param drainWindow    sessions are closed with 1001 evenly over this window, so their reconnects do not hit the
 *                       remaining nodes all at once. Keep readiness-delay + drain-window below the pod's
 *                       terminationGracePeriodSeconds and spring.lifecycle.timeout-per-shutdown-phase.
 */
@Validated
@ConfigurationProperties("wsgrid.node.shutdown")
public record ShutdownProperties(
        @DefaultValue("0s") @NotNull Duration readinessDelay,
        @DefaultValue("5s") @NotNull Duration drainWindow) {
}
