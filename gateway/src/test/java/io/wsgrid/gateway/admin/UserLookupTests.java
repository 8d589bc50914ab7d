package io.wsgrid.gateway.admin;

import java.util.List;

import io.wsgrid.gateway.admin.UserLookup.NodeAnswer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Combining the nodes' answers about a user counts every session once, clustered or not. */
class UserLookupTests {

    @Test
    void nodesOfAClusterAllAnswerForTheWholeClusterSoOneAnswerCounts() {
        List<NodeAnswer> answers = List.of(
                new NodeAnswer("b1", "n1", true, 3, List.of("n1", "n2"), null),
                new NodeAnswer("b2", "n2", true, 3, List.of("n1", "n2"), null),
                new NodeAnswer("b3", "n3", true, 3, List.of("n1", "n2"), null));
        UserLookup.Found found = UserLookup.combine("alice", "default", answers);
        assertThat(found.online()).isTrue();
        assertThat(found.sessions()).isEqualTo(3);
        assertThat(found.nodes()).containsExactly("n1", "n2");
        assertThat(found.asked()).isEqualTo(3);
        assertThat(found.answered()).isEqualTo(3);
        assertThat(found.answers()).extracting(NodeAnswer::backend).containsExactly("b1", "b2", "b3");
    }

    @Test
    void standaloneNodesEachAnswerForThemselvesSoTheAnswersAddUp() {
        List<NodeAnswer> answers = List.of(
                new NodeAnswer("b1", "n1", true, 2, List.of("n1"), null),
                new NodeAnswer("b2", "n2", false, 0, List.of(), null),
                new NodeAnswer("b3", "n3", true, 1, List.of("n3"), null));
        UserLookup.Found found = UserLookup.combine("alice", "default", answers);
        assertThat(found.sessions()).isEqualTo(3);
        assertThat(found.nodes()).containsExactly("n1", "n3");
    }

    @Test
    void aNodeThatFailedIsListedAndTheOthersStillCount() {
        List<NodeAnswer> answers = List.of(
                new NodeAnswer("b1", null, false, 0, List.of(), "java.net.ConnectException"),
                new NodeAnswer("b2", "n2", true, 1, List.of("n2"), null));
        UserLookup.Found found = UserLookup.combine("bob", "acme", answers);
        assertThat(found.online()).isTrue();
        assertThat(found.sessions()).isEqualTo(1);
        assertThat(found.answered()).isEqualTo(1);
        assertThat(found.asked()).isEqualTo(2);
        assertThat(found.answers().getFirst().error()).contains("ConnectException");
    }

    @Test
    void aUserNobodySeesIsOffline() {
        UserLookup.Found found = UserLookup.combine("carol", "default", List.of(new NodeAnswer("b1", "n1", false, 0, List.of(), null)));
        assertThat(found.online()).isFalse();
        assertThat(found.sessions()).isZero();
        assertThat(found.nodes()).isEmpty();
    }
}
