package io.wsgrid.node.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.wsgrid.common.protocol.StreamPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryHistoryTests extends HistoryContract {

    private final MutableClock clock = new MutableClock();

    @Override
    protected History history(int size) {
        return new InMemoryHistory(new HistoryProperties(size, Duration.ofMinutes(10), Duration.ofHours(1)), clock);
    }

    @Override
    protected History lose(History history, int size) {
        return history(size);
    }

    @Test
    void messagesOlderThanTheTtlAreNotReplayed() {
        History history = history(10);
        StreamId stream = StreamId.user("t", "u");
        StreamPosition first = history.append(stream, frame("a")).toCompletableFuture().join().position();
        history.append(stream, frame("b"));
        clock.advance(Duration.ofMinutes(11));
        history.append(stream, frame("c"));
        History.Replay replay = history.since(stream, first).toCompletableFuture().join();
        assertThat(replay.recovered()).isFalse();
        assertThat(replay.entries()).extracting(History.Entry::offset).containsExactly(3L);
    }

    @Test
    void idleStreamsAreForgottenAfterTheMetadataTtl() {
        InMemoryHistory history = (InMemoryHistory) history(10);
        StreamId stream = StreamId.group("t", "g");
        StreamPosition before = history.append(stream, frame("a")).toCompletableFuture().join().position();
        clock.advance(Duration.ofMinutes(30));
        history.sweep();
        assertThat(history.top(stream).toCompletableFuture().join()).isEqualTo(before);
        clock.advance(Duration.ofMinutes(61));
        history.sweep();
        StreamPosition after = history.top(stream).toCompletableFuture().join();
        assertThat(after.offset()).isZero();
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
    }

    @Test
    void badPropertiesAreRefusedWithTheirNames() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HistoryProperties(10, Duration.ofMinutes(10), Duration.ofMinutes(1)))
                .hasMessageContaining("wsgrid.history.meta-ttl");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HistoryProperties(10, Duration.ofMillis(10), Duration.ofHours(1)))
                .hasMessageContaining("wsgrid.history.ttl");
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
