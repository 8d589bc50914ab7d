package io.wsgrid.node.offline;

import java.util.List;

/**
 * Keeps messages addressed to a user who has no session, until the user's next connection.
 *
 * <p>Guarantees: each user's queue is first-in first-out; at most {@code capacity} messages are kept per user, the
 * oldest dropped first; a message older than {@code ttl} is never delivered; {@link #drain} hands every message it
 * returns to exactly one caller and removes it. Whether a message is queued or delivered live is decided by the
 * caller under the same lock that registers sessions, so a message is never both delivered live and queued.
 */
public interface OfflineStore {

    /** Appends the encoded {@code message} frame payload to the user's queue. */
    void enqueue(String tenant, String user, byte[] message);

    /** Removes and returns the user's unexpired messages, oldest first (empty when none). */
    List<byte[]> drain(String tenant, String user);
}
