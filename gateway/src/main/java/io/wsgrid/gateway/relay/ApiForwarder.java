package io.wsgrid.gateway.relay;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backend;

/**
 * Forwards one {@code /api/v1/**} call to a healthy node and its answer back, failing fast: a node that does not
 * accept the connection within the connect timeout is ejected and the call goes to the next one (it never reached a
 * node, so any call may move); a node that accepted but does not answer within the response timeout, or drops the
 * connection, gets an idempotent call (GET, HEAD, PUT, DELETE) sent once more to another node, and otherwise the
 * client gets 504 (timeout) or 502 (dropped). No node up: 503. Every such answer is {@code application/problem+json}.
 * A POST that reached a node is never sent twice: it may have taken effect. The client connection reads nothing
 * else until the answer is written (HTTP/1.1 without pipelining). Everything runs on the client's event loop.
 */
final class ApiForwarder {

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE);

    private final EntryHandler.Shared shared;
    private final GatewayProperties.Api config;
    private final ChannelHandlerContext client;
    private final FullHttpRequest request;
    private final String clientIp;
    private final boolean keepAlive;
    private final long startNanos = System.nanoTime();
    private final Set<Backend> tried = new HashSet<>();
    private boolean resent;
    private boolean done;

    ApiForwarder(EntryHandler.Shared shared, ChannelHandlerContext client, FullHttpRequest request, String clientIp) {
        this.shared = shared;
        this.config = shared.properties().api();
        this.client = client;
        this.request = request;
        this.clientIp = clientIp;
        this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    void start() {
        client.channel().config().setAutoRead(false);
        String forwarded = request.headers().get("X-Forwarded-For");
        request.headers().set("X-Forwarded-For", forwarded == null ? clientIp : forwarded + ", " + clientIp);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        attempt();
    }

    private void attempt() {
        if (!client.channel().isActive()) {
            done = true;
            request.release();
            return;
        }
        Backend backend = shared.balancer().pickForApi(tried);
        if (backend == null) {
            fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend is up", null);
            return;
        }
        tried.add(backend);
        new Bootstrap().group(client.channel().eventLoop()).channel(Transport.socketChannelFor(client.channel()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 22), new Exchange(backend));
                    }
                })
                .connect(backend.host(), backend.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        shared.backends().failed(backend, "connect: " + f.cause().getMessage());
                        attempt();
                    }
                    else {
                        f.channel().writeAndFlush(request.retainedDuplicate());
                    }
                });
    }

    /** The call reached {@code backend} and got no answer: once more elsewhere when that is safe, else {@code status}. */
    private void lost(Backend backend, HttpResponseStatus status, String detail) {
        if (!resent && IDEMPOTENT.contains(request.method()) && shared.balancer().pickForApi(tried) != null) {
            resent = true;
            attempt();
            return;
        }
        fail(status, "node " + backend.id() + " " + detail, backend);
    }

    private void fail(HttpResponseStatus status, String detail, Backend backend) {
        done = true;
        request.release();
        AccessLog.api(clientIp, request.method().name(), path(), status.code(), backend == null ? null : backend.id(), startNanos);
        EntryHandler.respond(client, status, detail, keepAlive);
        if (keepAlive) {
            client.channel().config().setAutoRead(true);
        }
    }

    private String path() {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** One try on one node: the answer, or the reason there is none. */
    private final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Backend backend;
        private ScheduledFuture<?> timeout;
        private boolean over;

        Exchange(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            timeout = ctx.executor().schedule(() -> end(ctx, HttpResponseStatus.GATEWAY_TIMEOUT,
                    "did not answer within " + config.responseTimeout().toMillis() + " ms"),
                    config.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (over || done) {
                return;
            }
            over = true;
            done = true;
            timeout.cancel(false);
            ctx.close();
            FullHttpResponse out = response.retainedDuplicate();
            out.headers().remove(HttpHeaderNames.CONNECTION);
            if (!keepAlive) {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            AccessLog.api(clientIp, request.method().name(), path(), response.status().code(), backend.id(), startNanos);
            request.release();
            client.writeAndFlush(out).addListener(f -> {
                if (!keepAlive) {
                    client.close();
                }
                else {
                    client.channel().config().setAutoRead(true);
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(ctx, HttpResponseStatus.BAD_GATEWAY, "closed the connection without an answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx, HttpResponseStatus.BAD_GATEWAY, "failed: " + cause.getMessage());
        }

        private void end(ChannelHandlerContext ctx, HttpResponseStatus status, String detail) {
            if (over) {
                return;
            }
            over = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            ctx.close();
            if (!done) {
                lost(backend, status, detail);
            }
        }
    }
}
