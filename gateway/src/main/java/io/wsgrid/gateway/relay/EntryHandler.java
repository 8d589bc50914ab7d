package io.wsgrid.gateway.relay;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jwt.JWTParser;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backends;
import io.wsgrid.gateway.balancing.Balancer;

import org.springframework.stereotype.Component;

/**
 * The first handler of every client connection: refuses bad or abusive requests with a precise status, hands
 * WebSocket upgrades to {@link WebSocketUpgrade} and {@code /api/v1/**} calls to {@link ApiForwarder}. A client that
 * does not finish its request within the handshake timeout is cut off.
 */
final class EntryHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** What every connection's handlers share. */
    @Component
    record Shared(GatewayProperties properties, Balancer balancer, Backends backends, Clients clients, IpRateLimiter limiter,
            RelayMetrics metrics) {
    }

    private final Shared shared;
    private ScheduledFuture<?> handshakeTimer;

    EntryHandler(Shared shared) {
        this.shared = shared;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long timeout = shared.properties().handshakeTimeout().toMillis();
        handshakeTimer = ctx.executor().schedule(() -> {
            shared.metrics().handshake(RelayMetrics.Outcome.TIMEOUT);
            ctx.close();
        }, timeout, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    void cancelTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            shared.metrics().handshake(RelayMetrics.Outcome.BAD_REQUEST);
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false);
            return;
        }
        String ip = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        if (isWebSocketUpgrade(request)) {
            cancelTimer();
            if (!shared.limiter().tryAcquire(ip)) {
                shared.metrics().handshake(RelayMetrics.Outcome.REJECTED_RATE);
                respond(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "too many new connections from " + ip, false);
                return;
            }
            String user = userKey(request);
            if (!shared.clients().tryAdmit(shared.properties().maxConnections())) {
                shared.metrics().handshake(RelayMetrics.Outcome.REJECTED_CAPACITY);
                AccessLog.rejected(ip, user, CloseCode.TRY_AGAIN_LATER.code());
                TryAgainLater.reject(ctx, TryAgainLater.handshake(request), "the gateway is at its connection limit");
                return;
            }
            new WebSocketUpgrade(shared, ctx, request.retain(), ip, user).start();
        }
        else if (request.uri().startsWith("/api/v1/")) {
            cancelTimer();
            new ApiForwarder(shared, ctx, request.retain(), ip).start();
        }
        else if (request.method() == HttpMethod.GET && request.uri().startsWith("/ws")) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "this endpoint takes WebSocket upgrades only", false);
        }
        else {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "the data port serves /ws upgrades and /api/v1/**", HttpUtil.isKeepAlive(request));
        }
    }

    static boolean isWebSocketUpgrade(FullHttpRequest request) {
        return request.method() == HttpMethod.GET
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** The user a session is for, for consistent hashing: {@code user_id}, else the JWT's {@code sub} (unverified). */
    static String userKey(FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        List<String> user = query.parameters().get("user_id");
        if (user != null && !user.isEmpty()) {
            return user.get(0);
        }
        List<String> token = query.parameters().get("token");
        String jwt = token != null && !token.isEmpty() ? token.get(0) : null;
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (jwt == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            jwt = auth.substring(7).trim();
        }
        if (jwt == null) {
            return null;
        }
        try {
            return JWTParser.parse(jwt).getJWTClaimsSet().getSubject();
        }
        catch (java.text.ParseException e) {
            return null;
        }
    }

    static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String detail, boolean keepAlive) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + status.reasonPhrase() + "\",\"status\":" + status.code()
                + ",\"detail\":\"" + detail.replace("\"", "'") + "\"}";
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            ctx.writeAndFlush(response);
        }
        else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
