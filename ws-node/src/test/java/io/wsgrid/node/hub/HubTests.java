package io.wsgrid.node.hub;

import java.util.Arrays;

import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.TestSessions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HubTests {

    private final Hub hub = new Hub(new HubProperties(8, 3));

    @Test
    void usersHaveManySessionsAndTenantsAreSeparate() {
        Session a1 = TestSessions.create("t1", "alice");
        Session a2 = TestSessions.create("t1", "alice");
        Session other = TestSessions.create("t2", "alice");
        hub.register(a1);
        hub.register(a2);
        hub.register(other);
        assertThat(hub.userSessions("t1", "alice")).containsExactly(a1, a2);
        assertThat(hub.userSessions("t2", "alice")).containsExactly(other);
        assertThat(hub.stats().sessions()).isEqualTo(3);
        assertThat(hub.stats().users()).isEqualTo(2);
        assertThat(Arrays.stream(hub.stats().perShard()).sum()).isEqualTo(3);
        assertThat(hub.sessionCount()).isEqualTo(3);
        assertThat(hub.userCount()).isEqualTo(2);
    }

    @Test
    void snapshotsDoNotChangeWhenTheHubDoes() {
        Session a1 = TestSessions.create("t", "alice");
        hub.register(a1);
        Session[] snapshot = hub.userSessions("t", "alice");
        Session a2 = TestSessions.create("t", "alice");
        hub.register(a2);
        hub.unregister(a1);
        assertThat(snapshot).containsExactly(a1);
        assertThat(hub.userSessions("t", "alice")).containsExactly(a2);
    }

    @Test
    void groupsSpanShardsAndDisappearWithTheirLastMember() {
        Session[] members = new Session[20];
        for (int i = 0; i < members.length; i++) {
            members[i] = TestSessions.create("t", "user" + i);
            hub.register(members[i]);
            assertThat(hub.join(members[i], "g")).isEqualTo(Hub.JoinResult.JOINED);
        }
        assertThat(hub.join(members[0], "g")).isEqualTo(Hub.JoinResult.ALREADY_MEMBER);
        assertThat(Arrays.stream(hub.groupSessions("t", "g")).filter(s -> s != null).mapToInt(s -> s.length).sum()).isEqualTo(20);
        assertThat(hub.group("t", "g").users()).hasSize(20).isSorted();
        assertThat(hub.group("other-tenant", "g").sessions()).isZero();

        for (Session s : members) {
            hub.unregister(s);
        }
        assertThat(hub.group("t", "g").sessions()).isZero();
        assertThat(hub.stats().groups()).isZero();
    }

    @Test
    void membershipIsCappedPerSession() {
        Session s = TestSessions.create("t", "u");
        hub.register(s);
        hub.join(s, "a");
        hub.join(s, "b");
        hub.join(s, "c");
        assertThat(hub.join(s, "d")).isEqualTo(Hub.JoinResult.TOO_MANY_GROUPS);
        assertThat(hub.leave(s, "a")).isTrue();
        assertThat(hub.leave(s, "a")).isFalse();
        assertThat(hub.join(s, "d")).isEqualTo(Hub.JoinResult.JOINED);
    }

    @Test
    void userWideMembershipTouchesEverySessionOfTheUser() {
        Session a1 = TestSessions.create("t", "alice");
        Session a2 = TestSessions.create("t", "alice");
        hub.register(a1);
        hub.register(a2);
        hub.join(a1, "g");
        assertThat(hub.joinUser("t", "alice", "g")).containsExactly(a2);
        assertThat(hub.group("t", "g").sessions()).isEqualTo(2);
        assertThat(hub.leaveUser("t", "alice", "g")).containsExactly(a1, a2);
        assertThat(hub.isMember(a1, "g")).isFalse();
    }

    @Test
    void unregisteredSessionsCannotJoin() {
        Session s = TestSessions.create("t", "gone");
        assertThat(hub.join(s, "g")).isEqualTo(Hub.JoinResult.CLOSED);
        assertThat(hub.unregister(s)).isFalse();
    }

    @Test
    void shardCountMustBeAPowerOfTwo() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HubProperties(12, 10))
                .hasMessageContaining("wsgrid.node.hub.shards must be a power of two");
    }
}
