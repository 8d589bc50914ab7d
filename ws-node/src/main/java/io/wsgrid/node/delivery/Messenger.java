package io.wsgrid.node.delivery;

import java.util.concurrent.CompletionStage;

import io.wsgrid.common.id.Uuid7;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.Target;
import io.wsgrid.node.metrics.NodeMetrics;
import io.wsgrid.node.metrics.NodeMetrics.Kind;

import org.springframework.stereotype.Component;

/**
 * Accepts messages from REST callers and clients, gives each a time-ordered id and timestamp, encodes it once and
 * hands it to the {@link Router}. Never blocks; callable from any thread.
 */
@Component
public class Messenger {

    /** The outcome of a user-directed send. */
    public record Sent(String id, boolean queued) {
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
                .thenApply(queued -> new Sent(id, queued));
    }

    /** Sends to every session in {@code group}; not queued for anyone. Returns the message id. */
    public String toGroup(String tenant, String group, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.GROUP);
        router.toGroup(tenant, group, encode(id, from, new Target.Group(group), data), accepted);
        return id;
    }

    /** Sends to every session of the tenant; not queued for anyone. Returns the message id. */
    public String broadcast(String tenant, String from, RawJson data) {
        long accepted = System.nanoTime();
        String id = Uuid7.nextString();
        metrics.accepted(Kind.BROADCAST);
        router.broadcast(tenant, encode(id, from, Target.Broadcast.INSTANCE, data), accepted);
        return id;
    }

    private static byte[] encode(String id, String from, Target target, RawJson data) {
        return ProtocolCodec.INSTANCE.encode(new ServerMessage.Delivery(id, from, target, data, System.currentTimeMillis(), null));
    }
}
