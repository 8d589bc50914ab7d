package io.wsgrid.node.api;

import java.util.List;

import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.Names;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.NodeProperties;
import io.wsgrid.node.delivery.Messenger;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.Sessions;

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

/** The REST messaging API of the contract: send to users, groups and everyone; membership; presence; stats. */
@RestController
@RequestMapping("/api/v1")
class MessagingController {

    record SendResponse(String id, String status) {
    }

    record Accepted(String id) {
    }

    record UserView(String user, boolean online, int sessions, List<String> nodes) {
    }

    record Closed(int closed) {
    }

    record NodeStats(String node, int sessions, int users, int groups, int[] shards) {
    }

    private final Messenger messenger;
    private final Hub hub;
    private final Sessions sessions;
    private final Outbound outbound;
    private final String nodeId;

    MessagingController(Messenger messenger, Hub hub, Sessions sessions, Outbound outbound, NodeProperties node) {
        this.messenger = messenger;
        this.hub = hub;
        this.sessions = sessions;
        this.outbound = outbound;
        this.nodeId = node.id();
    }

    @PostMapping("/users/{user}/messages")
    @ResponseStatus(HttpStatus.ACCEPTED)
    SendResponse sendToUser(Tenant tenant, @PathVariable String user, @RequestBody byte[] body) {
        Messenger.Sent sent = messenger.toUser(tenant.name(), name(user, "user"), null, data(body));
        return new SendResponse(sent.id(), sent.queued() ? "queued" : "sent");
    }

    @PostMapping("/groups/{group}/messages")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Accepted sendToGroup(Tenant tenant, @PathVariable String group, @RequestBody byte[] body) {
        return new Accepted(messenger.toGroup(tenant.name(), name(group, "group"), null, data(body)));
    }

    @PostMapping("/broadcast")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Accepted broadcast(Tenant tenant, @RequestBody byte[] body) {
        return new Accepted(messenger.broadcast(tenant.name(), null, data(body)));
    }

    @PutMapping("/groups/{group}/members/{user}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void join(Tenant tenant, @PathVariable String group, @PathVariable String user) {
        String g = name(group, "group");
        for (Session s : hub.joinUser(tenant.name(), name(user, "user"), g)) {
            outbound.reply(s, new ServerMessage.Joined(g));
        }
    }

    @DeleteMapping("/groups/{group}/members/{user}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void leave(Tenant tenant, @PathVariable String group, @PathVariable String user) {
        String g = name(group, "group");
        for (Session s : hub.leaveUser(tenant.name(), name(user, "user"), g)) {
            outbound.reply(s, new ServerMessage.Left(g));
        }
    }

    @GetMapping("/users/{user}")
    UserView user(Tenant tenant, @PathVariable String user) {
        int count = hub.userSessions(tenant.name(), name(user, "user")).length;
        return new UserView(user, count > 0, count, count > 0 ? List.of(nodeId) : List.of());
    }

    @GetMapping("/groups/{group}")
    Hub.GroupView group(Tenant tenant, @PathVariable String group) {
        return hub.group(tenant.name(), name(group, "group"));
    }

    @DeleteMapping("/users/{user}/sessions")
    Closed kick(Tenant tenant, @PathVariable String user) {
        return new Closed(sessions.closeUser(tenant.name(), name(user, "user"), CloseCode.KICKED, "kicked"));
    }

    @GetMapping("/stats")
    NodeStats stats() {
        Hub.HubStats stats = hub.stats();
        return new NodeStats(nodeId, stats.sessions(), stats.users(), stats.groups(), stats.perShard());
    }

    private static String name(String value, String what) {
        if (!Names.isValid(value)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, what + " must be 1 to " + Names.MAX_LENGTH + " characters without control characters");
        }
        return value;
    }

    private static RawJson data(byte[] body) {
        return switch (ProtocolCodec.INSTANCE.decodeDataEnvelope(body)) {
            case DecodeResult.Ok<RawJson> ok -> ok.message();
            case DecodeResult.Invalid<RawJson> invalid -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST, invalid.detail());
        };
    }
}
