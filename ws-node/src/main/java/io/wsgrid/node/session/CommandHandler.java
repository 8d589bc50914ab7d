package io.wsgrid.node.session;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.ServerMessage;

/** Acts on a well-formed client message; called on the session's event loop, so it must not block. */
public interface CommandHandler {

    /**
     * Handles {@code message} from {@code session}, replying through {@link Outbound#reply} as needed.
     *
     * @return {@code null}, or an error to send back, which also counts against the session's bad-frame budget
     */
    ServerMessage.ErrorReply handle(Session session, ClientMessage message);
}
