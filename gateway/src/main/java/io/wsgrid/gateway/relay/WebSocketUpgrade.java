package io.wsgrid.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.gateway.balancing.Strategy;

/**
 * One client's upgrade: picks a backend, forwards the request unchanged (plus {@code X-Forwarded-For}), and waits
 * for the backend's answer. A 101 turns both connections into a raw byte {@link Relay}; a refused connection, a
 * timeout or a 5xx ejects that backend and tries the next, so the client never sees a failure while one healthy
 * backend exists; a 4xx is the client's problem and is passed back as it came.
 */
final class WebSocketUpgrade {

    private static final int MAX_RESPONSE_HEAD = 16 * 1024;

    private final EntryHandler.Shared shared;
    private final ChannelHandlerContext client;
    private final FullHttpRequest request;
    private final String clientIp;
    private final String userKey;
    private final TryAgainLater.Handshake handshake;
    private final Set<Backend> tried = new HashSet<>();

    WebSocketUpgrade(EntryHandler.Shared shared, ChannelHandlerContext client, FullHttpRequest request, String clientIp, String userKey) {
        this.shared = shared;
        this.client = client;
        this.request = request;
        this.clientIp = clientIp;
        this.userKey = userKey;
        this.handshake = TryAgainLater.handshake(request);
    }

    void start() {
        client.channel().config().setAutoRead(false);
        attempt();
    }

    private void attempt() {
        if (!client.channel().isActive()) {
            endWithoutRelay();
            return;
        }
        Backend backend = shared.balancer().pick(new Strategy.Request(clientIp, userKey), tried);
        if (backend == null) {
            endWithoutRelay();
            if (shared.balancer().saturated()) {
                shared.metrics().handshake(RelayMetrics.Outcome.REJECTED_CAPACITY);
                AccessLog.rejected(clientIp, userKey, CloseCode.TRY_AGAIN_LATER.code());
                TryAgainLater.reject(client, handshake, "every node is at its connection limit");
            }
            else {
                shared.metrics().handshake(RelayMetrics.Outcome.NO_BACKEND);
                EntryHandler.respond(client, HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend can take a new session", false);
            }
            return;
        }
        tried.add(backend);
        if (!shared.backends().reserve(backend, shared.properties().maxConnectionsPerBackend())) {
            // Filled up by a concurrent upgrade since the pick: another backend, or 1013.
            attempt();
            return;
        }
        if (tried.size() > 1) {
            shared.metrics().handshake(RelayMetrics.Outcome.RETRIED);
        }
        new Bootstrap().group(client.channel().eventLoop()).channel(Transport.socketChannelFor(client.channel()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(5000, shared.properties().handshakeTimeout().toMillis()))
                .handler(new HandshakeHandler(backend))
                .connect(backend.host(), backend.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        failed(backend, "connect: " + f.cause().getMessage());
                    }
                    else {
                        f.channel().writeAndFlush(encodeRequest());
                    }
                });
    }

    /** The upgrade ends here without a relayed session: its request and its place under the gateway cap go. */
    private void endWithoutRelay() {
        request.release();
        shared.clients().release();
    }

    private void failed(Backend backend, String why) {
        shared.backends().closed(backend);
        shared.backends().failed(backend, why);
        attempt();
    }

    private ByteBuf encodeRequest() {
        StringBuilder head = new StringBuilder(512);
        head.append(request.method().name()).append(' ').append(request.uri()).append(" HTTP/1.1\r\n");
        String forwarded = null;
        for (Map.Entry<String, String> h : request.headers()) {
            if (h.getKey().equalsIgnoreCase("X-Forwarded-For")) {
                forwarded = h.getValue();
                continue;
            }
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("X-Forwarded-For: ").append(forwarded == null ? clientIp : forwarded + ", " + clientIp).append("\r\n\r\n");
        return client.alloc().buffer(head.length()).writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the backend's response head as raw bytes, so a 101 is relayed exactly as the backend sent it. */
    private final class HandshakeHandler extends ChannelInboundHandlerAdapter {
        private final Backend backend;
        private ByteBuf head;
        private ScheduledFuture<?> timeout;
        private boolean done;

        HandshakeHandler(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            head = ctx.alloc().buffer(512);
            timeout = ctx.executor().schedule(() -> fail(ctx, "no answer within the handshake timeout"),
                    shared.properties().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (done) {
                in.release();
                return;
            }
            head.writeBytes(in);
            in.release();
            int end = ByteBufUtil.indexOf(CRLFCRLF, head);
            if (end < 0) {
                if (head.readableBytes() > MAX_RESPONSE_HEAD) {
                    fail(ctx, "response head too large");
                }
                return;
            }
            done = true;
            timeout.cancel(false);
            int headLength = end + 4;
            int status = statusCode(head);
            if (status == 101) {
                switchToRelay(ctx, headLength);
            }
            else if (status >= 500 || status < 0) {
                fail(ctx, "answered HTTP " + status);
            }
            else {
                // The client's problem (401, 403, 426...): pass the answer on as it came.
                endWithoutRelay();
                shared.backends().closed(backend);
                shared.metrics().handshake(RelayMetrics.Outcome.BACKEND_REFUSED);
                shared.backends().succeeded(backend);
                client.pipeline().remove("aggregator");
                client.pipeline().remove("http");
                client.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE);
                ctx.close();
            }
        }

        private void switchToRelay(ChannelHandlerContext backendCtx, int headLength) {
            shared.backends().succeeded(backend);
            if (!client.channel().isActive()) {
                // The client left while the node answered: nothing to relay, and nothing may stay counted.
                endWithoutRelay();
                shared.backends().closed(backend);
                head.release();
                backendCtx.close();
                return;
            }
            request.release();
            shared.backends().opened(backend);
            shared.metrics().handshake(RelayMetrics.Outcome.RELAYED);
            Channel backendChannel = backendCtx.channel();
            ClientConnection connection = new ClientConnection(UUID.randomUUID().toString(), client.channel(), clientIp, userKey);
            connection.backend = backend;
            connection.backendChannel = backendChannel;
            shared.clients().add(connection);

            Relay.Backward backward = new Relay.Backward(connection, shared);
            backendCtx.pipeline().replace(this, "relay", backward);
            Relay.Forward forward = new Relay.Forward(connection, shared);
            client.pipeline().addLast("relay", forward);
            client.pipeline().remove("aggregator");
            client.pipeline().remove("http");
            client.pipeline().remove("entry");

            ByteBuf rest = head.retainedSlice(headLength, head.readableBytes() - headLength);
            head.writerIndex(headLength);
            client.write(head);
            backward.forward(rest);
            client.flush();
            client.channel().config().setAutoRead(true);
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            if (head != null && head.refCnt() > 0) {
                head.release();
            }
            done = true;
            ctx.close();
            failed(backend, why);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!done) {
                timeout.cancel(false);
                fail(ctx, "closed during the handshake");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) {
                timeout.cancel(false);
                fail(ctx, cause.toString());
            }
            else {
                ctx.close();
            }
        }
    }

    private static final ByteBuf CRLFCRLF = io.netty.buffer.Unpooled.unreleasableBuffer(
            io.netty.buffer.Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

    /** The status code of an HTTP/1.x response head, or -1. */
    static int statusCode(ByteBuf head) {
        int i = head.readerIndex();
        int space = head.indexOf(i, Math.min(head.writerIndex(), i + 16), (byte) ' ');
        if (space < 0 || head.readableBytes() < space - i + 4) {
            return -1;
        }
        int code = 0;
        for (int k = space + 1; k < space + 4; k++) {
            byte b = head.getByte(k);
            if (b < '0' || b > '9') {
                return -1;
            }
            code = code * 10 + (b - '0');
        }
        return code;
    }
}
