package io.wsgrid.gateway.relay;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A capped upgrade is accepted by the gateway itself and closed with 1013 at once. */
class TryAgainLaterTests {

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("http", new HttpServerCodec()).addLast("aggregator", new HttpObjectAggregator(1 << 16))
                .addLast("entry", new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        TryAgainLater.reject(ctx, TryAgainLater.handshake(request), "the gateway is at its connection limit");
                    }
                });
        return ch;
    }

    private static String drain(EmbeddedChannel ch, ByteBuf all) {
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            all.writeBytes(out);
            out.release();
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void answers101ThenClose1013AndEndsWhenTheClientAnswers() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET /ws?user_id=a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: chat, superchat\r\n\r\n", StandardCharsets.ISO_8859_1));
        ByteBuf all = Unpooled.buffer();
        String text = drain(ch, all);
        // The accept value of RFC 6455's own example key.
        assertThat(text).startsWith("HTTP/1.1 101 Switching Protocols\r\n").contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                .contains("Sec-WebSocket-Protocol: chat\r\n");
        int frame = text.indexOf("\r\n\r\n") + 4;
        assertThat((int) all.getUnsignedByte(frame)).isEqualTo(0x88);
        assertThat(all.getUnsignedShort(frame + 2)).isEqualTo(1013);
        assertThat(ch.isOpen()).isTrue();
        // The client's close answer (masked, as clients send) ends the connection.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, 0x03 ^ 1, (byte) (0xF5 ^ 2)}));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        all.release();
    }

    @Test
    void aClientThatNeverAnswersIsCutAfterTheWait() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer(io.wsgrid.gateway.support.Http.upgrade("/ws"), StandardCharsets.ISO_8859_1));
        ByteBuf all = Unpooled.buffer();
        assertThat(drain(ch, all)).startsWith("HTTP/1.1 101");
        all.release();
        ch.advanceTimeBy(1999, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(2, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anUpgradeWithoutKeyGets503() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        ByteBuf all = Unpooled.buffer();
        assertThat(drain(ch, all)).startsWith("HTTP/1.1 503").contains("application/problem+json");
        all.release();
    }
}
