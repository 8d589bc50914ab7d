package io.wsgrid.node.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.ErrorReply;
import io.wsgrid.common.protocol.StreamPosition;
import io.wsgrid.node.history.History;
import io.wsgrid.node.history.StreamId;
import io.wsgrid.node.hub.Hub;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;
import io.wsgrid.node.session.SessionStreams;

/**
 * Handles a session's {@code resume} frame: joins the listed groups (with the checks of {@code join}), reads what each
 * stream holds after the client's positions, and hands the replays to {@link SessionStreams#resumed}, which writes
 * them, then {@code resumed}, then the live messages held meanwhile. Runs on the session's event loop; the history
 * reads are asynchronous.
 */
final class Resumer {

    /** Decides whether a session may join a group (the join permission of the contract). */
    interface JoinCheck {
        boolean mayJoin(Session session, String group);
    }

    private final Hub hub;
    private final Router router;
    private final History history;
    private final LocalDelivery local;
    private final SessionStreams streams;
    private final Outbound outbound;
    private final JoinCheck joinCheck;

    Resumer(Hub hub, Router router, History history, LocalDelivery local, SessionStreams streams, Outbound outbound, JoinCheck joinCheck) {
        this.hub = hub;
        this.router = router;
        this.history = history;
        this.local = local;
        this.streams = streams;
        this.outbound = outbound;
        this.joinCheck = joinCheck;
    }

    ErrorReply resume(Session session, ClientMessage.Resume resume) {
        if (!streams.startResume(session)) {
            return new ErrorReply(ErrorCode.BAD_REQUEST, "'resume' must be the first frame of a session opened with resume=1, and only once");
        }
        List<CompletableFuture<SessionStreams.Replay>> replays = new ArrayList<>();
        Map<String, Boolean> refused = new LinkedHashMap<>();
        replays.add(replay(StreamId.user(session.tenant(), session.user()), null, resume.user()));
        resume.groups().forEach((group, position) -> {
            if (!joinCheck.mayJoin(session, group)) {
                refused.put(group, false);
                outbound.reply(session, new ServerMessage.ErrorReply(ErrorCode.FORBIDDEN, "not allowed to join group '" + group + "'"));
                return;
            }
            switch (hub.join(session, group)) {
                case JOINED -> router.joined(session, group);
                case ALREADY_MEMBER, CLOSED -> {
                }
                case TOO_MANY_GROUPS -> {
                    refused.put(group, false);
                    outbound.reply(session, new ServerMessage.ErrorReply(ErrorCode.FORBIDDEN, "too many groups for one session"));
                    return;
                }
            }
            replays.add(replay(StreamId.group(session.tenant(), group), group, position));
        });
        CompletableFuture.allOf(replays.toArray(CompletableFuture[]::new)).whenComplete((x, error) -> {
            if (replays.stream().anyMatch(r -> r.join() == UNREADABLE)) {
                // History could not be read (Redis unreachable or too slow): the client has been sent nothing past its
                // positions, so closing with 1013 lets it resume again from the same ones instead of being told,
                // wrongly, that messages are lost.
                session.close(CloseCode.TRY_AGAIN_LATER, "history unavailable, resume again later");
                return;
            }
            List<SessionStreams.Replay> done = new ArrayList<>(replays.size());
            Map<String, Boolean> groups = new LinkedHashMap<>(refused);
            for (CompletableFuture<SessionStreams.Replay> r : replays) {
                SessionStreams.Replay replay = r.join();
                done.add(replay);
                if (replay.group() != null) {
                    groups.put(replay.group(), replay.recovered());
                }
            }
            streams.resumed(session, done, groups);
        });
        return null;
    }

    /** Stands for a stream whose history could not be read. */
    private static final SessionStreams.Replay UNREADABLE = new SessionStreams.Replay(null, null, List.of(), null, false);

    /** What history holds of one stream after the client's position, or {@link #UNREADABLE}; never fails. */
    private CompletableFuture<SessionStreams.Replay> replay(StreamId stream, String group, StreamPosition from) {
        CompletionStage<SessionStreams.Replay> read = from == null
                ? history.top(stream).thenApply(top -> new SessionStreams.Replay(group, null, List.of(), top, true))
                : history.since(stream, from).thenApply(r -> new SessionStreams.Replay(group, from,
                        r.entries().stream().map(History.Entry::frame).toList(), r.top(), r.recovered()));
        return read.toCompletableFuture().thenApply(replay -> {
            if (replay.top() != null) {
                local.follow(stream, replay.top());
            }
            return replay;
        }).exceptionally(e -> UNREADABLE);
    }
}
