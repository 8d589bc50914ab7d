package io.wsgrid.node.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.wsgrid.common.protocol.StreamPosition;

/**
 * What one session has been sent of its streams: the last offset (and epoch) of its user stream and of each group it
 * joined. A message at or below the cursor of its stream was already sent (by a replay, the offline queue or a
 * duplicate from the bus) and is skipped, so a session never gets a message twice. A group whose join is still
 * waiting for the stream's top keeps its messages aside until the {@code joined} frame went out. Confined to the
 * session's event loop.
 */
public final class StreamCursors {

    /** What to do with a message for this session. */
    enum Verdict { SEND, SKIP, WAIT }

    /** A frame kept aside, with the stream it belongs to ({@code group} null for the user stream). */
    public record Kept(ByteBuf frame, String group, long offset, String epoch) {
    }

    private static final class GroupCursor {
        String epoch;
        long offset;
        /** Non-null while the join waits for the group's top. */
        List<Kept> waiting;
    }

    private String userEpoch;
    private long userOffset;
    private final Map<String, GroupCursor> groups = new HashMap<>(4);

    /**
     * Sets the cursor of the user stream ({@code group} null) or of a group to {@code position}, or clears it (null):
     * the start of a replay, before its messages are offered.
     */
    void set(String group, StreamPosition position) {
        if (group == null) {
            userEpoch = position == null ? null : position.epoch();
            userOffset = position == null ? 0 : position.offset();
            return;
        }
        GroupCursor cursor = groups.computeIfAbsent(group, g -> new GroupCursor());
        cursor.epoch = position == null ? null : position.epoch();
        cursor.offset = position == null ? 0 : position.offset();
    }

    /**
     * Moves a cursor forward to {@code top} (the stream's top at connect, join or replay): messages up to it were
     * either sent or are not this session's to get. Never moves a cursor back within one epoch.
     */
    void advance(String group, StreamPosition top) {
        if (top == null) {
            return;
        }
        if (group == null) {
            if (userEpoch == null || !userEpoch.equals(top.epoch()) || userOffset < top.offset()) {
                userEpoch = top.epoch();
                userOffset = top.offset();
            }
            return;
        }
        GroupCursor cursor = groups.computeIfAbsent(group, g -> new GroupCursor());
        if (cursor.epoch == null || !cursor.epoch.equals(top.epoch()) || cursor.offset < top.offset()) {
            cursor.epoch = top.epoch();
            cursor.offset = top.offset();
        }
    }

    /** The group's join is under way: its messages wait until {@link #joined}. */
    void joining(String group) {
        GroupCursor cursor = groups.computeIfAbsent(group, g -> new GroupCursor());
        if (cursor.waiting == null) {
            cursor.waiting = new ArrayList<>(2);
        }
    }

    /** The group's join completed at {@code top}; returns the messages that waited for it (the caller re-offers them). */
    List<Kept> joined(String group, StreamPosition top) {
        GroupCursor cursor = groups.computeIfAbsent(group, g -> new GroupCursor());
        List<Kept> waited = cursor.waiting == null ? List.of() : cursor.waiting;
        cursor.waiting = null;
        advance(group, top);
        return waited;
    }

    void left(String group) {
        GroupCursor cursor = groups.remove(group);
        if (cursor != null && cursor.waiting != null) {
            cursor.waiting.forEach(k -> k.frame().release());
        }
    }

    /** The last position sent of the group's stream, or null when unknown. */
    StreamPosition group(String group) {
        GroupCursor cursor = groups.get(group);
        return cursor == null || cursor.epoch == null ? null : new StreamPosition(cursor.offset, cursor.epoch);
    }

    StreamPosition user() {
        return userEpoch == null ? null : new StreamPosition(userOffset, userEpoch);
    }

    /**
     * Decides about a message at {@code offset}/{@code epoch} of the user stream ({@code group} null) or a group
     * stream, and moves the cursor when it is to be sent. A message of another epoch than the cursor's is sent: the
     * stream was reset and its offsets started again.
     */
    Verdict offer(String group, long offset, String epoch) {
        if (group == null) {
            if (userEpoch != null && userEpoch.equals(epoch) && offset <= userOffset) {
                return Verdict.SKIP;
            }
            userEpoch = epoch;
            userOffset = offset;
            return Verdict.SEND;
        }
        GroupCursor cursor = groups.get(group);
        if (cursor == null) {
            return Verdict.SEND;
        }
        if (cursor.waiting != null) {
            return Verdict.WAIT;
        }
        if (cursor.epoch != null && cursor.epoch.equals(epoch) && offset <= cursor.offset) {
            return Verdict.SKIP;
        }
        cursor.epoch = epoch;
        cursor.offset = offset;
        return Verdict.SEND;
    }

    /** Keeps a frame of a group whose join is under way (after {@link #offer} said WAIT). */
    void keep(Kept kept) {
        groups.get(kept.group()).waiting.add(kept);
    }

    /** Releases every kept frame (the session closed). */
    void releaseAll() {
        for (GroupCursor cursor : groups.values()) {
            if (cursor.waiting != null) {
                cursor.waiting.forEach(k -> k.frame().release());
                cursor.waiting = null;
            }
        }
    }
}
