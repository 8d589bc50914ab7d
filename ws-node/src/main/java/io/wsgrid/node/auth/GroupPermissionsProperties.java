package io.wsgrid.node.auth;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What clients may do in groups beyond what their token's {@code groups} claim grants, per namespace: the part of a
 * group name before its first {@code :} ({@code chat} for {@code chat:lobby}). Only applies with
 * {@code wsgrid.auth.mode=jwt}; with auth off every group is open.
 *
 * @param namespaces       rules per namespace, keyed by its name ({@code wsgrid.groups.namespaces.chat.join=any}).
 *                         A namespace not listed is closed: only the claim opens its groups.
 * @param defaultNamespace rules for groups whose name has no {@code :}.
 */
@Validated
@ConfigurationProperties("wsgrid.groups")
public record GroupPermissionsProperties(
        @DefaultValue Map<String, @Valid Namespace> namespaces,
        @DefaultValue @Valid Namespace defaultNamespace) {

    /** Who may do something in a namespace. */
    public enum Access {
        /** Every authenticated session of the tenant. */
        ANY,
        /** Only sessions whose token's {@code groups} claim matches the group. */
        CLAIM
    }

    /**
     * Rules of one namespace.
     *
     * @param join           {@code any}: every session may join its groups; {@code claim}: only sessions whose token
     *                       grants the group.
     * @param publish        {@code any}: every session may publish to its groups (after joining); {@code claim}: only
     *                       sessions whose token grants the group. Opening publishing lets any user of the tenant
     *                       write to every group of the namespace.
     * @param presenceEvents whether members of its groups get {@code presence} join/leave frames. Each costs a frame
     *                       to every member when a user comes or goes, so keep it off for large groups.
     */
    public record Namespace(
            @DefaultValue("claim") @NotNull Access join,
            @DefaultValue("claim") @NotNull Access publish,
            @DefaultValue("false") boolean presenceEvents) {

        static final Namespace CLOSED = new Namespace(Access.CLAIM, Access.CLAIM, false);
    }

    /** The rules for {@code group}'s namespace. */
    public Namespace namespaceOf(String group) {
        int colon = group.indexOf(':');
        if (colon < 0) {
            return defaultNamespace;
        }
        return namespaces.getOrDefault(group.substring(0, colon), Namespace.CLOSED);
    }
}
