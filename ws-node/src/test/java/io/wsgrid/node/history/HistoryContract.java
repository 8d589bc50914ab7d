package io.wsgrid.node.history;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guarantees of {@link History}'s Javadoc, run against every implementation: the in-memory one as a unit test, the
 * Redis one as an integration test against a real server.
 */
public abstract class HistoryContract {

    /** A history keeping {@code size} messages per stream. */
    protected abstract History history(int size);

    /** Makes the store lose everything (a flushed or restarted Redis, a restarted standalone node). */
    protected abstract History lose(History history, int size);

    protected static byte[] frame(String text) {
        return ProtocolCodec.INSTANCE.encode(new ServerMessage.Delivery("id-" + text, null, new Target.User("u"),
                RawJson.of("\"" + text + "\""), 1L, null));
    }

    private static String data(byte[] frame) {
        String json = new String(frame, StandardCharsets.UTF_8);
        return json.substring(json.indexOf("\"data\":\"") + 8, json.indexOf("\",\"ts\""));
    }

    private static StreamPosition append(History history, StreamId stream, String text) {
        return history.append(stream, frame(text)).toCompletableFuture().join().position();
    }

    @Test
    void offsetsStartAtOneAndHaveNoGaps() {
        History history = history(10);
        StreamId stream = StreamId.user("t", "alice-" + System.nanoTime());
        StreamPosition top = history.top(stream).toCompletableFuture().join();
        assertThat(top.offset()).isZero();
        assertThat(append(history, stream, "a")).isEqualTo(new StreamPosition(1, top.epoch()));
        assertThat(append(history, stream, "b")).isEqualTo(new StreamPosition(2, top.epoch()));
        assertThat(history.top(stream).toCompletableFuture().join()).isEqualTo(new StreamPosition(2, top.epoch()));
    }

    @Test
    void theStoredFrameCarriesItsPosition() {
        History history = history(10);
        StreamId stream = StreamId.group("t", "g-" + System.nanoTime());
        History.Appended appended = history.append(stream, frame("x")).toCompletableFuture().join();
        assertThat(ProtocolCodec.positionOf(appended.frame())).isEqualTo(appended.position());
        History.Replay replay = history.since(stream, new StreamPosition(0, appended.position().epoch())).toCompletableFuture().join();
        assertThat(replay.entries()).singleElement().satisfies(e -> assertThat(e.frame()).isEqualTo(appended.frame()));
    }

    @Test
    void sinceReplaysWhatCameAfterAPositionInOrder() {
        History history = history(10);
        StreamId stream = StreamId.user("t", "bob-" + System.nanoTime());
        StreamPosition first = append(history, stream, "a");
        append(history, stream, "b");
        append(history, stream, "c");
        History.Replay replay = history.since(stream, first).toCompletableFuture().join();
        assertThat(replay.recovered()).isTrue();
        assertThat(replay.entries()).extracting(History.Entry::offset).containsExactly(2L, 3L);
        assertThat(replay.entries()).extracting(e -> data(e.frame())).containsExactly("b", "c");
        assertThat(replay.top()).isEqualTo(new StreamPosition(3, first.epoch()));
    }

    @Test
    void aPositionAtTheTopIsRecoveredWithNothingToReplay() {
        History history = history(10);
        StreamId stream = StreamId.user("t", "carol-" + System.nanoTime());
        StreamPosition last = append(history, stream, "a");
        History.Replay replay = history.since(stream, last).toCompletableFuture().join();
        assertThat(replay.recovered()).isTrue();
        assertThat(replay.entries()).isEmpty();
    }

    @Test
    void trimmedHistoryIsReportedNotRecovered() {
        History history = history(3);
        StreamId stream = StreamId.user("t", "dave-" + System.nanoTime());
        StreamPosition first = append(history, stream, "1");
        for (int i = 2; i <= 6; i++) {
            append(history, stream, Integer.toString(i));
        }
        History.Replay replay = history.since(stream, first).toCompletableFuture().join();
        assertThat(replay.recovered()).isFalse();
        assertThat(replay.entries()).extracting(History.Entry::offset).containsExactly(4L, 5L, 6L);
    }

    @Test
    void anotherEpochIsNotRecovered() {
        History history = history(10);
        StreamId stream = StreamId.user("t", "erin-" + System.nanoTime());
        StreamPosition position = append(history, stream, "a");
        History.Replay replay = history.since(stream, new StreamPosition(position.offset(), "other")).toCompletableFuture().join();
        assertThat(replay.recovered()).isFalse();
        assertThat(replay.entries()).isEmpty();
    }

    @Test
    void lostHistoryStartsOverUnderANewEpoch() {
        History history = history(10);
        StreamId stream = StreamId.user("t", "fred-" + System.nanoTime());
        StreamPosition before = append(history, stream, "a");
        History after = lose(history, 10);
        StreamPosition again = append(after, stream, "b");
        assertThat(again.offset()).isEqualTo(1);
        assertThat(again.epoch()).isNotEqualTo(before.epoch());
        assertThat(after.since(stream, before).toCompletableFuture().join().recovered()).isFalse();
    }

    @Test
    void streamsAreIndependent() {
        History history = history(10);
        long n = System.nanoTime();
        append(history, StreamId.user("t", "x" + n), "a");
        append(history, StreamId.user("t", "x" + n), "b");
        assertThat(append(history, StreamId.group("t", "x" + n), "c").offset()).isEqualTo(1);
        assertThat(append(history, StreamId.user("other", "x" + n), "d").offset()).isEqualTo(1);
        assertThat(List.of(history.top(StreamId.user("t", "x" + n)).toCompletableFuture().join().offset())).containsExactly(2L);
    }
}
