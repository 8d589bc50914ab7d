package io.wsgrid.node.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.HistoryProperties;
import io.wsgrid.node.history.InMemoryHistory;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.metrics.NodeMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sequencer restores each stream's order on a node: duplicates dropped, gaps waited for or filled from history. */
class SequencerTests {

    private final InMemoryHistory history = new InMemoryHistory(new HistoryProperties(100, Duration.ofMinutes(10), Duration.ofHours(1)),
            Clock.systemUTC());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Sequencer sequencer = new Sequencer(history, new NodeMetrics(registry));
    private final List<Long> passed = new CopyOnWriteArrayList<>();
    private final StreamId stream = StreamId.group("t", "g");
    /** Whether a session here follows the stream, as the sink tells the sequencer. */
    private volatile boolean followed = true;
    private final Sequencer.Sink sink = new Sequencer.Sink() {
        @Override
        public void deliver(StreamId id, long offset, String epoch, byte[] frame, long acceptedNanos) {
            passed.add(offset);
        }

        @Override
        public boolean follows(StreamId id) {
            return followed;
        }
    };

    SequencerTests() {
        sequencer.sink(sink);
    }

    private History.Appended append() {
        return history.append(stream, ProtocolCodec.INSTANCE.encode(new ServerMessage.Delivery("i", null, new Target.Group("g"),
                RawJson.of("1"), 1L, null))).toCompletableFuture().join();
    }

    private void offer(History.Appended a) {
        sequencer.offer(stream, a.position().offset(), a.position().epoch(), a.frame(), System.nanoTime());
    }

    @Test
    void inOrderMessagesPassAtOnceAndDuplicatesAreDropped() {
        History.Appended one = append();
        History.Appended two = append();
        sequencer.follow(stream, new StreamPosition(0, one.position().epoch()));
        offer(one);
        offer(two);
        offer(one);
        offer(two);
        assertThat(passed).containsExactly(1L, 2L);
        assertThat(registry.get("wsgrid.drops").tag("reason", "duplicate").counter().count()).isEqualTo(2);
    }

    @Test
    void reorderedMessagesPassInOffsetOrder() {
        History.Appended one = append();
        History.Appended two = append();
        History.Appended three = append();
        sequencer.follow(stream, new StreamPosition(0, one.position().epoch()));
        offer(three);
        offer(two);
        assertThat(passed).isEmpty();
        offer(one);
        assertThat(passed).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aMessageTheBusLostIsFilledFromHistory() {
        History.Appended one = append();
        append(); // never arrives over the bus
        History.Appended three = append();
        sequencer.follow(stream, new StreamPosition(0, one.position().epoch()));
        offer(one);
        offer(three);
        await().atMost(5, TimeUnit.SECONDS).until(() -> passed.size() == 3);
        assertThat(passed).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aGapHistoryCannotFillIsSkippedAndCounted() {
        History forgetful = new History() {
            @Override
            public CompletionStage<Appended> append(StreamId s, byte[] frame) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<StreamPosition> top(StreamId s) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<Replay> since(StreamId s, StreamPosition position) {
                return CompletableFuture.completedFuture(new Replay(false, List.of(), new StreamPosition(5, position.epoch())));
            }
        };
        Sequencer lossy = new Sequencer(forgetful, new NodeMetrics(registry));
        lossy.sink(sink);
        lossy.follow(stream, new StreamPosition(0, "E"));
        lossy.offer(stream, 1, "E", new byte[] {'{', '}'}, 0);
        lossy.offer(stream, 4, "E", new byte[] {'{', '}'}, 0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> passed.size() == 2);
        assertThat(passed).containsExactly(1L, 4L);
        assertThat(registry.get("wsgrid.drops").tag("reason", "history_gap").counter().count()).isEqualTo(2);
    }

    @Test
    void aGapAboveWhatHistoryHadWhenReadIsReadAgainNotSkipped() {
        CompletableFuture<History.Replay> firstRead = new CompletableFuture<>();
        byte[] frame = {'{', '}'};
        History slow = new History() {
            private int reads;

            @Override
            public CompletionStage<Appended> append(StreamId s, byte[] f) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletionStage<StreamPosition> top(StreamId s) {
                throw new UnsupportedOperationException();
            }

            @Override
            public synchronized CompletionStage<Replay> since(StreamId s, StreamPosition position) {
                if (reads++ == 0) {
                    return firstRead;
                }
                List<Entry> held = new java.util.ArrayList<>();
                for (long o = position.offset() + 1; o <= 5; o++) {
                    held.add(new Entry(o, frame));
                }
                return CompletableFuture.completedFuture(new Replay(true, held, new StreamPosition(5, "E")));
            }
        };
        Sequencer sequencer = new Sequencer(slow, new NodeMetrics(registry));
        sequencer.sink(sink);
        sequencer.follow(stream, new StreamPosition(0, "E"));
        sequencer.offer(stream, 1, "E", frame, 0);
        sequencer.offer(stream, 3, "E", frame, 0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !firstRead.isDone() && passed.size() == 1 && readStarted(firstRead));
        // While history is read (it holds 1..3 then), 5 arrives; 4 was appended after the read and is still on the bus.
        sequencer.offer(stream, 5, "E", frame, 0);
        firstRead.complete(new History.Replay(true, List.of(new History.Entry(2, frame), new History.Entry(3, frame)),
                new StreamPosition(3, "E")));
        await().atMost(5, TimeUnit.SECONDS).until(() -> passed.size() == 5);
        assertThat(passed).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(registry.get("wsgrid.drops").tag("reason", "history_gap").counter().count()).isZero();
    }

    private static boolean readStarted(CompletableFuture<?> read) {
        return read.getNumberOfDependents() > 0;
    }

    @Test
    void aNewEpochStartsTheStreamOver() {
        sequencer.follow(stream, new StreamPosition(7, "old"));
        sequencer.offer(stream, 1, "new", new byte[] {'{', '}'}, 0);
        sequencer.offer(stream, 2, "new", new byte[] {'{', '}'}, 0);
        assertThat(passed).containsExactly(1L, 2L);
    }

    @Test
    void followingAStreamSkipsWhatCameBeforeTheTop() {
        History.Appended one = append();
        History.Appended two = append();
        sequencer.follow(stream, two.position());
        offer(one);
        offer(two);
        History.Appended three = append();
        offer(three);
        assertThat(passed).containsExactly(3L);
    }

    @Test
    void aForgottenStreamStartsAgainFromTheNextFollowersTop() {
        History.Appended one = append();
        sequencer.follow(stream, new StreamPosition(0, one.position().epoch()));
        offer(one);
        followed = false;
        sequencer.forget(stream);
        append();
        History.Appended three = append();
        sequencer.follow(stream, new StreamPosition(2, three.position().epoch()));
        offer(three);
        assertThat(passed).containsExactly(1L, 3L);
    }

    @Test
    void catchUpPassesWhatWasAppendedWhileTheBusWasDown() {
        History.Appended one = append();
        sequencer.follow(stream, new StreamPosition(0, one.position().epoch()));
        offer(one);
        append();
        append();
        sequencer.catchUp();
        await().atMost(5, TimeUnit.SECONDS).until(() -> passed.size() == 3);
        assertThat(passed).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aStreamAFollowerStillHasIsNotForgotten() {
        History.Appended one = append();
        sequencer.follow(stream, new StreamPosition(0, one.position().epoch()));
        offer(one);
        sequencer.forget(stream); // a session that just closed, while another of the stream's sessions is here
        offer(one);
        assertThat(passed).containsExactly(1L);
        assertThat(registry.get("wsgrid.drops").tag("reason", "duplicate").counter().count()).isEqualTo(1);
    }

    @Test
    void messagesBeforeTheFirstFollowerWaitForItsTopInsteadOfStartingTheStreamThemselves() {
        History.Appended one = append();
        History.Appended two = append();
        History.Appended three = append();
        // A session is in the hub and its top is being read; the bus brings 3 before 2 (reordered).
        offer(three);
        offer(two);
        assertThat(passed).isEmpty();
        sequencer.follow(stream, one.position());
        assertThat(passed).containsExactly(2L, 3L);
    }

    @Test
    void withoutAFollowerAStreamStartsFromTheOldestMessageThatCameWithinTheGrace() {
        append();
        History.Appended two = append();
        History.Appended three = append();
        offer(three);
        offer(two);
        await().atMost(5, TimeUnit.SECONDS).until(() -> passed.size() == 2);
        assertThat(passed).containsExactly(2L, 3L);
    }
}
