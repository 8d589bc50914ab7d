package io.wsgrid.node.cluster;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.wsgrid.node.cluster.GroupPresence.Transition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guarantees of {@link GroupPresence}'s Javadoc, run against the in-memory implementation as a unit test and the
 * Redis one as an integration test. Each test gets a fresh cluster state.
 */
public abstract class GroupPresenceContract {

    protected static final String TENANT = "t";

    /** Node {@code node}'s group presence on this test's cluster state. */
    protected abstract GroupPresence presence(String node);

    /** The node refreshes its liveness. */
    protected abstract void heartbeat(String node);

    /** The node's liveness expires. */
    protected abstract void expire(String node);

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static Transition joinOf(String user) {
        return new Transition(TENANT, "g", user, true);
    }

    private static Transition leaveOf(String user) {
        return new Transition(TENANT, "g", user, false);
    }

    @Test
    void onlyAUsersFirstJoinAndLastLeaveAreReportedWhicheverNodesTheirSessionsAreOn() {
        GroupPresence a = presence("a");
        GroupPresence b = presence("b");

        assertThat(join(a.change(TENANT, "g", "u", 1))).isEqualTo(joinOf("u"));
        assertThat(join(b.change(TENANT, "g", "u", 1))).isNull();
        assertThat(join(a.change(TENANT, "g", "u", -1))).isNull();
        assertThat(join(b.change(TENANT, "g", "u", -1))).isEqualTo(leaveOf("u"));
        assertThat(join(b.change(TENANT, "g", "u", -1))).as("a leave no join was counted for").isNull();
        assertThat(join(a.change(TENANT, "g", "u", 1))).isEqualTo(joinOf("u"));
    }

    @Test
    void sweepingADeadNodeReportsTheLeavesItsSessionsMakeOnce() {
        heartbeat("a");
        heartbeat("b");
        GroupPresence a = presence("a");
        GroupPresence b = presence("b");
        join(a.change(TENANT, "g", "both", 1));
        join(b.change(TENANT, "g", "both", 1));
        join(b.change(TENANT, "g", "only-b", 1));

        expire("b");

        assertThat(join(a.sweepDeadNodes())).containsExactly(leaveOf("only-b"));
        assertThat(join(a.sweepDeadNodes())).isEmpty();
        assertThat(join(a.change(TENANT, "g", "both", -1))).isEqualTo(leaveOf("both"));
    }

    @Test
    void restoreSetsTheNodesShareAndReportsWhatThatChanged() {
        GroupPresence b = presence("b");
        join(b.change(TENANT, "g", "gone", 1));
        join(b.change(TENANT, "g", "kept", 1));

        assertThat(join(b.restore(Map.of(Directory.member(TENANT, "g"), Map.of("kept", 1, "new", 2)))))
                .containsExactlyInAnyOrder(leaveOf("gone"), joinOf("new"));
        assertThat(join(b.change(TENANT, "g", "new", -1))).isNull();
        assertThat(join(b.change(TENANT, "g", "new", -1))).isEqualTo(leaveOf("new"));
    }
}
