package io.wsgrid.node.delivery;

import io.wsgrid.node.auth.AuthProperties;
import io.wsgrid.node.auth.AuthProperties.Mode;
import io.wsgrid.node.auth.Authenticator;
import io.wsgrid.node.auth.GroupPermissionsProperties;
import io.wsgrid.node.auth.GroupPermissionsProperties.Access;
import io.wsgrid.node.auth.GroupPermissionsProperties.Namespace;
import io.wsgrid.node.session.Session;

import org.springframework.stereotype.Component;

/**
 * Decides whether a session may join or publish to a group: with {@code wsgrid.auth.mode=jwt}, when its token's
 * {@code groups} claim matches the group or the group's namespace is opened by {@code wsgrid.groups.namespaces};
 * with auth off, always. Sessions only reach groups of their own tenant (the hub keys groups by tenant), so the
 * tenant needs no check here. Stateless and thread-safe; cheap enough for the event loop (a map lookup and the
 * claim's prefixes).
 */
@Component
public class GroupPolicy {

    private final boolean open;
    private final GroupPermissionsProperties properties;

    public GroupPolicy(AuthProperties auth, GroupPermissionsProperties properties) {
        this.open = auth.mode() == Mode.NONE;
        this.properties = properties;
    }

    public boolean canJoin(Session session, String group) {
        return open || properties.namespaceOf(group).join() == Access.ANY || session.groupClaims().matches(group);
    }

    public boolean canPublish(Session session, String group) {
        return open || properties.namespaceOf(group).publish() == Access.ANY || session.groupClaims().matches(group);
    }

    /**
     * Whether members of {@code group} get presence join/leave frames. Namespaces are configured per node for all
     * tenants alike.
     */
    public boolean presenceEvents(String group) {
        return properties.namespaceOf(group).presenceEvents();
    }
}
