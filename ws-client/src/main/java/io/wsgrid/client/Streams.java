package io.wsgrid.client;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;

/**
 * Where the client stands in its user stream and in each group stream it keeps joined, so that a reconnect resumes
 * from there, and so that a message already delivered is never handed to the application twice.
 *
 * <p>Two positions per stream: {@code delivered}, the last message handed to the application (duplicates are judged
 * against it), and {@code resumeFrom}, where the next {@code resume} starts, which also moves with the stream tops
 * that {@code connected} and {@code joined} report. They differ on purpose: messages queued while the user was offline
 * arrive after {@code connected} with offsets at or below its top, and must not be taken for duplicates.
 *
 * <p>Thread-safety: groups are added and removed from any thread; everything else runs on the client's events thread.
 * Positions are volatile so any thread may read them.
 */
final class Streams {

    private static final class Stream {
        volatile StreamPosition resumeFrom;
        volatile StreamPosition delivered;
        /** A top reported while a resume is in flight: where the stream goes on if it is not recovered. */
        StreamPosition pendingTop;
    }

    private final Stream user = new Stream();
    private final Map<String, Stream> groups = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    /** Whether any node told a stream top: only then is {@code resume} understood. */
    private volatile boolean supported;
    /** Groups listed in the resume in flight, or null when none is. */
    private Set<String> resuming;

    /** Keeps {@code group}; false when it was kept already. */
    boolean add(String group) {
        return groups.putIfAbsent(group, new Stream()) == null;
    }

    void remove(String group) {
        groups.remove(group);
    }

    Set<String> groups() {
        return Set.copyOf(groups.keySet());
    }

    /** Whether a reconnect should resume: the node speaks streams. */
    boolean canResume() {
        return supported;
    }

    StreamPosition userPosition() {
        return user.resumeFrom;
    }

    Map<String, StreamPosition> groupPositions() {
        Map<String, StreamPosition> positions = new HashMap<>();
        groups.forEach((group, stream) -> {
            StreamPosition p = stream.resumeFrom;
            if (p != null) {
                positions.put(group, p);
            }
        });
        return Map.copyOf(positions);
    }

    long duplicatesDropped() {
        return duplicates.get();
    }

    /** A session opened without resuming: start from the user stream's top. */
    void connected(StreamPosition top) {
        if (top != null) {
            supported = true;
            user.resumeFrom = newer(user.resumeFrom, top);
        }
    }

    /** A session opened with {@code resume=1} told its user stream {@code top}: the resume frame to send first. */
    ClientMessage.Resume startResume(StreamPosition top) {
        user.pendingTop = top;
        Map<String, StreamPosition> positions = new LinkedHashMap<>();
        groups.forEach((group, stream) -> positions.put(group, stream.resumeFrom));
        resuming = new LinkedHashSet<>(positions.keySet());
        return new ClientMessage.Resume(user.resumeFrom, positions);
    }

    void joined(ServerMessage.Joined joined) {
        Stream stream = groups.get(joined.group());
        if (stream == null || joined.top() == null) {
            return;
        }
        if (resuming != null && resuming.contains(joined.group())) {
            // Taking the top now would make a connection lost mid-replay skip the rest of the replay next time.
            stream.pendingTop = joined.top();
        }
        else {
            stream.resumeFrom = newer(stream.resumeFrom, joined.top());
        }
    }

    /**
     * The node answered the resume: streams it could not recover go on from the top it reported, so the next
     * reconnect does not report the same loss again.
     */
    StreamRecovery resumed(ServerMessage.Resumed resumed) {
        Set<String> asked = resuming == null ? Set.of() : resuming;
        resuming = null;
        if (!resumed.recovered() && user.pendingTop != null) {
            user.resumeFrom = user.pendingTop;
        }
        user.pendingTop = null;
        Map<String, Boolean> outcome = new LinkedHashMap<>();
        for (String group : asked) {
            // A group the node does not mention was not replayed (e.g. refused): report it lost rather than fine.
            outcome.put(group, resumed.groups().getOrDefault(group, false));
        }
        resumed.groups().forEach(outcome::putIfAbsent);
        outcome.forEach((group, recovered) -> {
            Stream stream = groups.get(group);
            if (stream != null) {
                if (!recovered) {
                    stream.resumeFrom = stream.pendingTop;
                }
                stream.pendingTop = null;
            }
        });
        return new StreamRecovery(resumed.recovered(), outcome);
    }

    /** The session ended; a resume in flight is simply asked again on the next session. */
    void sessionEnded() {
        resuming = null;
        user.pendingTop = null;
        groups.values().forEach(s -> s.pendingTop = null);
    }

    /** Whether to hand {@code delivery} to the application: false for a message of a stream already delivered. */
    boolean accept(ServerMessage.Delivery delivery) {
        StreamPosition position = delivery.position();
        if (position == null) {
            return true;
        }
        Stream stream = switch (delivery.target()) {
            case Target.User u -> user;
            case Target.Group g -> groups.get(g.group());
            case Target.Broadcast b -> null;
        };
        if (stream == null) {
            return true;
        }
        StreamPosition seen = stream.delivered;
        if (seen != null && seen.epoch().equals(position.epoch()) && position.offset() <= seen.offset()) {
            duplicates.incrementAndGet();
            return false;
        }
        stream.delivered = position;
        stream.resumeFrom = newer(stream.resumeFrom, position);
        return true;
    }

    /** {@code candidate} unless it is an older offset of the same epoch; a new epoch always wins. */
    private static StreamPosition newer(StreamPosition current, StreamPosition candidate) {
        if (current == null || !current.epoch().equals(candidate.epoch()) || candidate.offset() > current.offset()) {
            return candidate;
        }
        return current;
    }
}
