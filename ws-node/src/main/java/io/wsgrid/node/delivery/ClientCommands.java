package io.wsgrid.node.delivery;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.ErrorReply;


import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.session.CommandHandler;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.SessionProperties;
import io.wsgrid.node.session.SessionStreams;

/**
 * What clients can do over their WebSocket: ping, join and leave groups, publish to a joined group, send to a user,
 * resume after a reconnect. Publishing and sending are subject to {@code wsgrid.node.session.policy}; joining and
 * publishing to the session's group permissions ({@link GroupPolicy}).
 */
final class ClientCommands implements CommandHandler {

    private final Hub hub;
    private final Outbound outbound;
    private final Messenger messenger;
    private final Router router;
    private final LocalDelivery local;
    private final SessionStreams streams;
    private final Resumer resumer;
    private final SessionProperties.Policy policy;
    private final GroupPolicy groups;
    private final TokenRefresher refresher;

    ClientCommands(Hub hub, Outbound outbound, Messenger messenger, Router router, LocalDelivery local, SessionStreams streams,
            Resumer resumer, SessionProperties properties, GroupPolicy groups, TokenRefresher refresher) {
        this.hub = hub;
        this.outbound = outbound;
        this.messenger = messenger;
        this.router = router;
        this.local = local;
        this.streams = streams;
        this.resumer = resumer;
        this.policy = properties.policy();
        this.groups = groups;
        this.refresher = refresher;
    }

    @Override
    public ErrorReply handle(Session session, ClientMessage message) {
        return switch (message) {
            case ClientMessage.Ping ping -> reply(session, new ServerMessage.Pong(ping.id()));
            case ClientMessage.Join join when !groups.canJoin(session, join.group()) ->
                    new ErrorReply(ErrorCode.FORBIDDEN, "not allowed to join group '" + join.group() + "'");
            case ClientMessage.Join join -> switch (hub.join(session, join.group())) {
                case JOINED -> {
                    router.joined(session, join.group());
                    local.join(session, join.group());
                    yield null;
                }
                case ALREADY_MEMBER -> {
                    streams.alreadyJoined(session, join.group());
                    yield null;
                }
                case TOO_MANY_GROUPS -> new ErrorReply(ErrorCode.FORBIDDEN, "too many groups for one session");
                case CLOSED -> null;
            };
            case ClientMessage.Leave leave -> {
                if (hub.leave(session, leave.group())) {
                    router.left(session, leave.group());
                    streams.left(session, leave.group());
                    yield null;
                }
                yield reply(session, new ServerMessage.Left(leave.group()));
            }
            case ClientMessage.Publish publish -> {
                if (!policy.allowPublish()) {
                    yield new ErrorReply(ErrorCode.FORBIDDEN, "publishing is disabled on this node");
                }
                if (!groups.canPublish(session, publish.group())) {
                    yield new ErrorReply(ErrorCode.FORBIDDEN, "not allowed to publish to group '" + publish.group() + "'");
                }
                if (!hub.isMember(session, publish.group())) {
                    yield new ErrorReply(ErrorCode.FORBIDDEN, "join group '" + publish.group() + "' before publishing to it");
                }
                messenger.toGroup(session.tenant(), publish.group(), session.user(), publish.data());
                yield null;
            }
            case ClientMessage.Send send -> {
                if (!policy.allowSend()) {
                    yield new ErrorReply(ErrorCode.FORBIDDEN, "sending to users is disabled on this node");
                }
                messenger.toUser(session.tenant(), send.user(), session.user(), send.data());
                yield null;
            }
            case ClientMessage.Resume resume -> resumer.resume(session, resume);
            case ClientMessage.Refresh refresh -> refresher.refresh(session, refresh.token());
        };
    }

    private ErrorReply reply(Session session, ServerMessage message) {
        outbound.reply(session, message);
        return null;
    }
}
