package io.wsgrid.node.session;

import java.util.List;

import io.netty.buffer.Unpooled;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.session.StreamCursors.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a session merges replayed, queued and live messages of its streams: each offset once, nothing past a cursor lost. */
class StreamCursorsTests {

    private final StreamCursors cursors = new StreamCursors();

    @Test
    void aUserMessageAtOrBelowTheCursorIsSkipped() {
        cursors.set(null, new StreamPosition(5, "E"));
        assertThat(cursors.offer(null, 5, "E")).isEqualTo(Verdict.SKIP);
        assertThat(cursors.offer(null, 6, "E")).isEqualTo(Verdict.SEND);
        assertThat(cursors.offer(null, 6, "E")).isEqualTo(Verdict.SKIP);
        assertThat(cursors.user()).isEqualTo(new StreamPosition(6, "E"));
    }

    @Test
    void anotherEpochIsANewStreamAndIsSent() {
        cursors.set(null, new StreamPosition(9, "old"));
        assertThat(cursors.offer(null, 1, "new")).isEqualTo(Verdict.SEND);
        assertThat(cursors.user()).isEqualTo(new StreamPosition(1, "new"));
    }

    @Test
    void advancingNeverMovesACursorBackInOneEpoch() {
        cursors.set(null, new StreamPosition(7, "E"));
        cursors.advance(null, new StreamPosition(3, "E"));
        assertThat(cursors.user()).isEqualTo(new StreamPosition(7, "E"));
        cursors.advance(null, new StreamPosition(9, "E"));
        assertThat(cursors.user()).isEqualTo(new StreamPosition(9, "E"));
    }

    @Test
    void groupMessagesWaitForTheJoinAndOnlyThosePastItsTopGoOut() {
        cursors.joining("g");
        assertThat(cursors.offer("g", 4, "G")).isEqualTo(Verdict.WAIT);
        cursors.keep(new StreamCursors.Kept(Unpooled.buffer(1), "g", 4, "G"));
        cursors.keep(new StreamCursors.Kept(Unpooled.buffer(1), "g", 6, "G"));
        List<StreamCursors.Kept> waited = cursors.joined("g", new StreamPosition(5, "G"));
        assertThat(waited).extracting(StreamCursors.Kept::offset).containsExactly(4L, 6L);
        assertThat(waited.stream().map(k -> cursors.offer("g", k.offset(), k.epoch())).toList()).containsExactly(Verdict.SKIP, Verdict.SEND);
        waited.forEach(k -> k.frame().release());
    }

    @Test
    void aGroupTheSessionLeftHasNoCursorAndReleasesWhatWaited() {
        cursors.joining("g");
        var frame = Unpooled.buffer(1);
        cursors.keep(new StreamCursors.Kept(frame, "g", 1, "G"));
        cursors.left("g");
        assertThat(frame.refCnt()).isZero();
        assertThat(cursors.group("g")).isNull();
    }

    @Test
    void aResumeFromAnOlderPositionSendsTheReplayThenSkipsHeldDuplicates() {
        // Replay 4..6 after the client's position 3, then live messages held meanwhile: 5 (already replayed) and 7.
        cursors.set(null, new StreamPosition(3, "E"));
        assertThat(List.of(4L, 5L, 6L).stream().map(o -> cursors.offer(null, o, "E")).toList())
                .containsOnly(Verdict.SEND);
        cursors.advance(null, new StreamPosition(6, "E"));
        assertThat(cursors.offer(null, 5, "E")).isEqualTo(Verdict.SKIP);
        assertThat(cursors.offer(null, 7, "E")).isEqualTo(Verdict.SEND);
    }
}
