package io.wsgrid.node.session;

import java.util.List;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.StreamPosition;

/**
 * What the rest of the node does when a session opens and closes: registering it (in the hub, and in the cluster's
 * presence), and handing over the user's queued messages. Implemented by the router; called on the session's event
 * loop, so implementations must not block.
 */
public interface SessionLifecycle {

    /**
     * Registers an open session and takes its user's queued messages and the top of its user stream, in one atomic
     * step with respect to sends to that user: a message appended to the user stream after {@code top} reaches the
     * session live, one appended before it was either queued (and is in {@code queued}) or went to the user's other
     * sessions before this one existed. Fails when the cluster state cannot be reached.
     */
    CompletionStage<Opened> opened(Session session);

    /** Unregisters a session whose channel closed. */
    void closed(Session session);

    /** See {@link #opened}: the user stream's top and its queued message frames, oldest first. */
    record Opened(StreamPosition top, List<byte[]> queued) {
    }
}
