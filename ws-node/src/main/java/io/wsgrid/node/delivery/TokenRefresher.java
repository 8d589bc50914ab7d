package io.wsgrid.node.delivery;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.ErrorCode;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.ServerMessage.ErrorReply;
import io.wsgrid.node.auth.AuthProperties;
import io.wsgrid.node.auth.AuthProperties.Mode;
import io.wsgrid.node.auth.Authenticator;
import io.wsgrid.node.auth.GroupPermissionsProperties;
import io.wsgrid.node.session.Outbound;
import io.wsgrid.node.session.Session;

import org.springframework.stereotype.Component;

/**
 * Handles the client's {@code refresh} frame: the new token is verified with the session's tenant's keys and must name
 * the session's user; then the session's expiry and group grants are replaced by the token's and the client gets
 * {@code refreshed} with the new {@code exp}. A token for another user is refused with {@code forbidden} (the session
 * keeps its old token); a token that does not verify closes the session with 4001, as it would at the handshake.
 * Groups already joined stay joined when the new token grants fewer.
 */
@Component
public class TokenRefresher {

    private final Authenticator authenticator;
    private final Outbound outbound;
    /** Verifications that may fetch a JWKS run here, off the event loop; tenants with local keys verify inline. */
    private final ExecutorService remote = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("wsgrid-refresh-", 0).factory());

    public TokenRefresher(Authenticator authenticator, Outbound outbound) {
        this.authenticator = authenticator;
        this.outbound = outbound;
    }

    /**
     * Refreshes {@code session}'s token; called on the session's event loop. Answers {@code refreshed} itself.
     *
     * @return an error to send back (counted as a bad frame), or {@code null}
     */
    public ErrorReply refresh(Session session, String token) {
        if (authenticator.mode() == Mode.NONE) {
            return new ErrorReply(ErrorCode.BAD_REQUEST, "token refresh needs wsgrid.auth.mode=jwt");
        }
        if (!authenticator.mayBlock(session.tenant())) {
            return apply(session, authenticator.verify(session.tenant(), token));
        }
        remote.execute(() -> {
            Authenticator.Result result = authenticator.verify(session.tenant(), token);
            session.channel().eventLoop().execute(() -> {
                ErrorReply error = apply(session, result);
                if (error != null) {
                    outbound.reply(session, error);
                }
            });
        });
        return null;
    }

    private ErrorReply apply(Session session, Authenticator.Result result) {
        return switch (result) {
            case Authenticator.Result.Allowed allowed when !allowed.user().equals(session.user()) ->
                    new ErrorReply(ErrorCode.FORBIDDEN, "the token is for another user");
            case Authenticator.Result.Allowed allowed -> {
                session.authorize(allowed.groups(), authenticator.sessionDeadline(allowed.expires()));
                outbound.reply(session, new ServerMessage.Refreshed(allowed.expires().getEpochSecond()));
                yield null;
            }
            case Authenticator.Result.Denied denied -> {
                session.close(CloseCode.UNAUTHORIZED, denied.reason());
                yield null;
            }
            // The session keeps its current token; the client may try again.
            case Authenticator.Result.Unavailable unavailable -> new ErrorReply(ErrorCode.BAD_REQUEST, unavailable.reason());
        };
    }
}
