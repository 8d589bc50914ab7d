package io.wsgrid.gateway.relay;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import org.springframework.stereotype.Component;

/**
 * A client connection starts as HTTP: a codec with tight limits (4 KiB request line, 8 KiB headers, 1 MiB body for
 * API calls) and the {@link EntryHandler}. A WebSocket upgrade later swaps all of it for a raw byte relay.
 */
@Component
@ChannelHandler.Sharable
class RelayInitializer extends ChannelInitializer<SocketChannel> {

    private final EntryHandler.Shared shared;

    RelayInitializer(EntryHandler.Shared shared) {
        this.shared = shared;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("http", new HttpServerCodec(4096, 8192, 8192))
                .addLast("aggregator", new HttpObjectAggregator(1 << 20))
                .addLast("entry", new EntryHandler(shared));
    }
}
