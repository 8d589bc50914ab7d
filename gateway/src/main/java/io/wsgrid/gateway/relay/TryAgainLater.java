package io.wsgrid.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.wsgrid.common.protocol.CloseCode;

/**
 * Answers an upgrade the gateway will not relay because of a connection cap: the gateway completes the WebSocket
 * handshake itself and closes at once with 1013 (try again later). After the upgrade rather than a 503 before it,
 * because a browser's WebSocket API never shows an HTTP status (only 1006), while a 1013 reaches every client and
 * its reconnect policy (backoff) handles it.
 */
final class TryAgainLater {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** How long the client gets to answer the close frame before the connection is cut. */
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private TryAgainLater() {
    }

    /** What an upgrade request must carry to be answered this way; read before the request is released. */
    record Handshake(String key, String protocol) {
    }

    static Handshake handshake(io.netty.handler.codec.http.HttpRequest request) {
        String protocols = request.headers().get("Sec-WebSocket-Protocol");
        String first = protocols == null ? null : protocols.split(",")[0].trim();
        return new Handshake(request.headers().get("Sec-WebSocket-Key"), first == null || first.isEmpty() ? null : first);
    }

    /**
     * Sends the 101 and the 1013 close on the client's connection, whose pipeline is still the HTTP one, and closes it
     * when the client answers the close or after a short wait.
     */
    static void reject(ChannelHandlerContext client, Handshake handshake, String reason) {
        if (handshake.key() == null || handshake.key().isBlank()) {
            EntryHandler.respond(client, io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE, reason, false);
            return;
        }
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")
                .append("Connection: Upgrade\r\nSec-WebSocket-Accept: ").append(accept(handshake.key())).append("\r\n");
        if (handshake.protocol() != null) {
            // A browser fails a handshake that drops the subprotocol it asked for, and would then see 1006, not 1013.
            head.append("Sec-WebSocket-Protocol: ").append(handshake.protocol()).append("\r\n");
        }
        head.append("\r\n");
        var pipeline = client.pipeline();
        pipeline.addLast("closing", new Closing());
        if (pipeline.get("aggregator") != null) {
            pipeline.remove("aggregator");
        }
        if (pipeline.get("http") != null) {
            pipeline.remove("http");
        }
        ByteBuf out = client.alloc().buffer(head.length() + 32).writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(WsFrames.close(client.alloc(), CloseCode.TRY_AGAIN_LATER.code(), reason.length() > 100 ? "try again later" : reason));
        client.channel().writeAndFlush(out);
        client.channel().eventLoop().schedule(() -> {
            client.channel().close();
        }, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (pipeline.get("entry") != null) {
            pipeline.remove("entry");
        }
        client.channel().config().setAutoRead(true);
    }

    /** {@code Sec-WebSocket-Accept} for a key (RFC 6455 section 4.2.2). */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** After the close frame: whatever the client sends (its close answer) ends the connection. */
    private static final class Closing extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
