package io.wsgrid.gateway.relay;

import java.util.HashSet;
import java.util.Set;

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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.wsgrid.gateway.backend.Backend;

/**
 * Forwards one {@code /api/v1/**} call to a healthy node and its answer back. The client connection reads nothing
 * else until the answer is written (HTTP/1.1 without pipelining). A node that refuses the connection is ejected and
 * the call goes to the next one; a call that reached a node is never sent twice.
 */
final class ApiForwarder {

    private final EntryHandler.Shared shared;
    private final ChannelHandlerContext client;
    private final FullHttpRequest request;
    private final String clientIp;
    private final boolean keepAlive;
    private final Set<Backend> tried = new HashSet<>();

    ApiForwarder(EntryHandler.Shared shared, ChannelHandlerContext client, FullHttpRequest request, String clientIp) {
        this.shared = shared;
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
        Backend backend = shared.balancer().pickForApi(tried);
        if (backend == null) {
            request.release();
            EntryHandler.respond(client, HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend is up", keepAlive);
            client.channel().config().setAutoRead(true);
            return;
        }
        tried.add(backend);
        new Bootstrap().group(client.channel().eventLoop()).channel(RelayServer.clientChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 22), new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                FullHttpResponse out = response.retainedDuplicate();
                                out.headers().remove(HttpHeaderNames.CONNECTION);
                                if (!keepAlive) {
                                    out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                                }
                                client.writeAndFlush(out).addListener(f -> {
                                    if (!keepAlive) {
                                        client.close();
                                    }
                                    else {
                                        client.channel().config().setAutoRead(true);
                                    }
                                });
                                ctx.close();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                                EntryHandler.respond(client, HttpResponseStatus.BAD_GATEWAY, "node failed: " + cause.getMessage(), false);
                            }
                        });
                    }
                })
                .connect(backend.host(), backend.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        shared.backends().failed(backend, "connect: " + f.cause().getMessage());
                        attempt();
                    }
                    else {
                        f.channel().writeAndFlush(request);
                    }
                });
    }
}
