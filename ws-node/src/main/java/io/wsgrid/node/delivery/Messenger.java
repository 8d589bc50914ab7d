package io.wsgrid.node.delivery;

import java.util.concurrent.CompletionStage;

import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.Kind;

import org.springframework.stereotype.Component;

/**
 * Accepts messages from REST callers and clients, gives each a time-ordered id and timestamp, encodes it once and
 * hands it to the {@link Router}. A user or group message's stage completes once it is in its stream's history (with
 * its offset); it fails when history cannot be reached, and the message was then not accepted. Never blocks; callable
 * from any thread.
 */
@Component
public class Messenger {

    /** The outcome of a user-directed send. */
    public record Sent(String id, boolean queued, StreamPosition position) {
    }

    /** The outcome of a group send. */
    public record Published(String id, StreamPosition position) {
    }

    private final Router router;
    private final NodeMetrics metrics;

    public Messenger(Router router, NodeMetrics metrics) {
        this.router = router;
        this.metrics = metrics;
    }

    /** Sends to every session of {@code user} in the cluster; queues the message when the user has none. */
    public CompletionStage<Sent> toUser(String tenant, String user, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.USER);
        return router.toUser(tenant, user, encode(id, from, new Target.User(user), data), accepted)
                .thenApply(sent -> new Sent(id, sent.queued(), sent.position()));
    }

    /** Sends to every session in {@code group}; not queued for anyone, but replayable from the group's history. */
    public CompletionStage<Published> toGroup(String tenant, String group, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.GROUP);
        return router.toGroup(tenant, group, encode(id, from, new Target.Group(group), data), accepted)
                .thenApply(position -> new Published(id, position));
    }

    /** Sends to every session of the tenant; live only (not queued, not replayable). Returns the message id. */
    public String broadcast(String tenant, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.BROADCAST);
        router.broadcast(tenant, encode(id, from, Target.Broadcast.INSTANCE, data), accepted);
        return id;
    }

    /**
     * Sends to one session, wherever it is; live only (no offset, not queued). Completes with the message id, or null
     * when the session is gone.
     */
    public CompletionStage<String> toSession(String tenant, String session, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        return router.toSession(tenant, session, user -> encode(id, null, new Target.User(user), data), accepted)
                .thenApply(found -> {
                    if (found) {
                        metrics.accepted(Kind.USER);
                    }
                    return found ? id : null;
                });
    }

    private static byte[] encode(String id, String from, Target target, RawJson data) {
        return ProtocolCodec.INSTANCE.encode(new ServerMessage.Delivery(id, from, target, data, System.currentTimeMillis(), null));
    }
}
