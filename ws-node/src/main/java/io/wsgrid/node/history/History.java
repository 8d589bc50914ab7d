package io.wsgrid.node.history;

import java.util.List;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.StreamPosition;

/**
 * The recent messages of every stream, with their offsets: what lets a reconnecting client catch up and a node fill a
 * gap in what the bus brought it.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 * <li><b>Gap-free offsets.</b> {@link #append} gives a stream's messages the offsets 1, 2, 3, ... in the order it
 * stored them; assigning the offset and storing the message is one atomic step, so an offset is never handed out
 * without its message, and a message that {@link #since} can return is never missing an earlier offset that was
 * still held when it was appended.</li>
 * <li><b>Durable when complete.</b> The stage of {@link #append} completes only once the message is stored (in Redis
 * when clustered), so a caller that answers 202 after it promises a message that a resume can replay.</li>
 * <li><b>Bounded.</b> A stream keeps its last {@code size} messages, each for {@code ttl}; older ones are gone and a
 * {@link #since} that needs them reports {@code recovered = false}.</li>
 * <li><b>Epochs.</b> A stream's epoch stays the same as long as its history is kept; when the history is lost (Redis
 * flushed or restarted without persistence, the stream idle longer than its metadata TTL, a standalone node restarted)
 * the stream starts again at offset 1 under a new epoch, so a client's old position can never be mistaken for a new
 * one.</li>
 * <li><b>Non-blocking.</b> Every call returns at once; while the store is unreachable the stages fail (they never
 * wait for it to come back).</li>
 * </ul>
 */
public interface History {

    /**
     * Appends an encoded {@code message} frame that has no position yet; completes with the position it got and the
     * frame with that position spliced in (what sessions receive and what {@link #since} returns).
     */
    CompletionStage<Appended> append(StreamId stream, byte[] frame);

    /** The stream's current top: the offset of its last message (0 when none) and its epoch. */
    CompletionStage<StreamPosition> top(StreamId stream);

    /**
     * The held messages after {@code position}, oldest first. {@code recovered} is true when the stream's epoch equals
     * the position's and every message after it is still held (or there are none); the entries are then exactly the
     * offsets {@code position.offset() + 1 .. top}. Otherwise it is false and the entries are whatever is held after
     * the position in the current epoch (empty when the epoch changed).
     */
    CompletionStage<Replay> since(StreamId stream, StreamPosition position);

    /** A message as stored. */
    record Entry(long offset, byte[] frame) {
    }

    /** What {@link #append} stored. */
    record Appended(StreamPosition position, byte[] frame) {
    }

    /** What {@link #since} found. */
    record Replay(boolean recovered, List<Entry> entries, StreamPosition top) {
    }
}
