package io.wsgrid.node.api;

import io.swagger.v3.oas.annotations.Operation;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.Names;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.delivery.Messenger;
import io.wsgrid.node.delivery.Router;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.metrics.NodeMetrics;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The REST messaging API of the contract: broadcast; membership; presence; kick; stats (the user and group sends are
 * {@link SendRoutes}). Presence, membership and kick act on the whole cluster when the node is clustered.
 */
@RestController
@RequestMapping("/api/v1")
class MessagingController {

    record Accepted(String id) {
    }

    record Closed(int closed) {
    }

    /**
     * {@code users}/{@code sessions}: who is in the group now; {@code members}: its durable members, left out when
     * there are none so the answer keeps the contract's shape.
     */
    record GroupInfo(String group, java.util.List<String> users, int sessions,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
            java.util.List<String> members) {
    }

    record NodeStats(String node, int sessions, int users, int groups, long messages, long deliveries, int[] shards) {
    }

    private final Messenger messenger;
    private final Router router;
    private final Hub hub;
    private final String nodeId;
    private final NodeMetrics metrics;

    MessagingController(Messenger messenger, Router router, Hub hub, NodeProperties node, NodeMetrics metrics) {
        this.messenger = messenger;
        this.router = router;
        this.hub = hub;
        this.nodeId = node.id();
        this.metrics = metrics;
    }

    @Operation(summary = "Send to every session of the tenant")
    @PostMapping("/broadcast")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Accepted broadcast(Tenant tenant, @RequestBody byte[] body) {
        return new Accepted(messenger.broadcast(tenant.name(), null, data(body)));
    }

    @Operation(summary = "Make a user a durable member of a group, cluster-wide",
            description = "Stored; every current session of the user joins now, every later one as it opens, until DELETE")
    @PutMapping("/groups/{group}/members/{user}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> join(Tenant tenant, @PathVariable String group, @PathVariable String user) {
        return Mono.fromCompletionStage(router.joinUser(tenant.name(), name(user, "user"), name(group, "group")));
    }

    @Operation(summary = "End a user's durable membership; every session of the user leaves the group, cluster-wide")
    @DeleteMapping("/groups/{group}/members/{user}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> leave(Tenant tenant, @PathVariable String group, @PathVariable String user) {
        return Mono.fromCompletionStage(router.leaveUser(tenant.name(), name(user, "user"), name(group, "group")));
    }

    @Operation(summary = "Presence of a user: online, session count, nodes")
    @GetMapping("/users/{user}")
    Mono<Router.UserView> user(Tenant tenant, @PathVariable String user) {
        return Mono.fromCompletionStage(router.user(tenant.name(), name(user, "user")));
    }

    @Operation(summary = "Members of a group",
            description = "users and sessions: who is in the group now, over every node; members: its durable members")
    @GetMapping("/groups/{group}")
    Mono<GroupInfo> group(Tenant tenant, @PathVariable String group) {
        String name = name(group, "group");
        return Mono.fromCompletionStage(router.group(tenant.name(), name).thenCombine(router.members(tenant.name(), name),
                (view, members) -> new GroupInfo(view.group(), view.users(), view.sessions(), members)));
    }

    @Operation(summary = "Close every session of a user, cluster-wide (close code 4500)")
    @DeleteMapping("/users/{user}/sessions")
    Mono<Closed> kick(Tenant tenant, @PathVariable String user) {
        return Mono.fromCompletionStage(router.kick(tenant.name(), name(user, "user"))).map(Closed::new);
    }

    /** This node's counts (not the cluster's): the gateway's admin UI aggregates them over nodes. */
    @Operation(summary = "This node's sessions, users, groups, message counters and per-shard sessions")
    @GetMapping("/stats")
    NodeStats stats() {
        Hub.HubStats stats = hub.stats();
        return new NodeStats(nodeId, stats.sessions(), stats.users(), stats.groups(), metrics.messagesTotal(),
                metrics.deliveriesTotal(), stats.perShard());
    }

    /** History (Redis) could not take the message: it was not accepted, and the caller may retry. */
    static Throwable unavailable(Throwable error) {
        Throwable cause = cause(error);
        return cause instanceof ResponseStatusException ? cause
                : new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the message could not be stored, retry later: " + cause.getClass().getSimpleName());
    }

    /** What failed, out of the {@code CompletionException} a completion stage wraps it in. */
    static Throwable cause(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    static String name(String value, String what) {
        if (!Names.isValid(value)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, what + " must be 1 to " + Names.MAX_LENGTH + " characters without control characters");
        }
        return value;
    }

    static RawJson data(byte[] body) {
        return switch (ProtocolCodec.INSTANCE.decodeDataEnvelope(body)) {
            case DecodeResult.Ok<RawJson> ok -> ok.message();
            case DecodeResult.Invalid<RawJson> invalid -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST, invalid.detail());
        };
    }
}
