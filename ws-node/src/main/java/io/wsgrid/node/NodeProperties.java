package io.wsgrid.node;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Identity of this node.
 *
 * @param id the node id shown to clients in the {@code connected} frame, in metrics and in cluster presence; must be
 *           unique in the cluster. Defaults to {@code node} for a standalone node; set it per instance (the pod name
 *           on Kubernetes).
 */
@Validated
@ConfigurationProperties("wsgrid.node")
public record NodeProperties(@DefaultValue("node") @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}",
        message = "must be 1 to 64 letters, digits, '.', '_' or '-'") String id) {
}
