package io.wsgrid.node.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wsgrid.node.auth.AuthProperties;
import io.wsgrid.node.auth.AuthProperties.Mode;
import io.wsgrid.node.auth.GroupClaims;
import io.wsgrid.node.auth.GroupPermissionsProperties;
import io.wsgrid.node.auth.GroupPermissionsProperties.Access;
import io.wsgrid.node.auth.GroupPermissionsProperties.Namespace;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.TestSessions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupPolicyTests {

    private static final GroupPermissionsProperties NAMESPACES = new GroupPermissionsProperties(Map.of(
            "lobby", new Namespace(Access.ANY, Access.CLAIM, true),
            "open", new Namespace(Access.ANY, Access.ANY, false)),
            new Namespace(Access.CLAIM, Access.CLAIM, false));

    private final GroupPolicy jwt = new GroupPolicy(auth(Mode.JWT), NAMESPACES);

    private static AuthProperties auth(Mode mode) {
        return new AuthProperties(mode, Duration.ofSeconds(30), new AuthProperties.Jwks(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(2)), Map.of());
    }

    private static Session session(String tenant, List<String> claim) {
        Session session = TestSessions.create(tenant, "alice");
        session.authorize(GroupClaims.of(claim), Long.MAX_VALUE);
        return session;
    }

    @Test
    void anExactNameInTheClaimOpensThatGroupOnly() {
        Session s = session("t", List.of("room:42"));
        assertThat(jwt.canJoin(s, "room:42")).isTrue();
        assertThat(jwt.canPublish(s, "room:42")).isTrue();
        assertThat(jwt.canJoin(s, "room:420")).isFalse();
        assertThat(jwt.canJoin(s, "room:4")).isFalse();
    }

    @Test
    void aPrefixPatternOpensEveryGroupStartingWithIt() {
        Session s = session("t", List.of("news:*"));
        assertThat(jwt.canJoin(s, "news:sport")).isTrue();
        assertThat(jwt.canPublish(s, "news:")).isTrue();
        assertThat(jwt.canJoin(s, "newsroom")).isFalse();
        assertThat(jwt.canJoin(session("t", List.of("*")), "anything:at-all")).isTrue();
    }

    @Test
    void aNamespaceOpenForJoinDoesNotOpenPublishing() {
        Session s = session("t", List.of());
        assertThat(jwt.canJoin(s, "lobby:main")).isTrue();
        assertThat(jwt.canPublish(s, "lobby:main")).isFalse();
        assertThat(jwt.canPublish(session("t", List.of("lobby:main")), "lobby:main")).as("the claim still grants publishing").isTrue();
        assertThat(jwt.canPublish(s, "open:x")).isTrue();
    }

    @Test
    void withoutAClaimOrAnOpenNamespaceEverythingIsRefused() {
        Session s = session("t", null);
        assertThat(jwt.canJoin(s, "room:42")).isFalse();
        assertThat(jwt.canPublish(s, "room:42")).isFalse();
        assertThat(jwt.canJoin(s, "plain")).as("default namespace").isFalse();
        assertThat(jwt.canJoin(s, "unknown:x")).as("unlisted namespace").isFalse();
    }

    @Test
    void theNamespaceIsThePartBeforeTheFirstColon() {
        Session s = session("t", List.of());
        assertThat(jwt.canJoin(s, "lobby:a:b")).isTrue();
        assertThat(jwt.canJoin(s, "lobbyx:a")).isFalse();
        assertThat(jwt.canJoin(s, "lobby")).as("no colon: default namespace").isFalse();
    }

    @Test
    void grantsBelongToTheSessionNotToTheUserName() {
        // Same user name in another tenant, authenticated with that tenant's token which grants nothing.
        assertThat(jwt.canJoin(session("t", List.of("room:42")), "room:42")).isTrue();
        assertThat(jwt.canJoin(session("other", List.of()), "room:42")).isFalse();
    }

    @Test
    void presenceEventsFollowTheNamespace() {
        assertThat(jwt.presenceEvents("lobby:main")).isTrue();
        assertThat(jwt.presenceEvents("open:x")).isFalse();
        assertThat(jwt.presenceEvents("plain")).isFalse();
    }

    @Test
    void withAuthOffEveryGroupIsOpen() {
        GroupPolicy none = new GroupPolicy(auth(Mode.NONE), NAMESPACES);
        Session s = session("t", null);
        assertThat(none.canJoin(s, "room:42")).isTrue();
        assertThat(none.canPublish(s, "anything")).isTrue();
    }
}
