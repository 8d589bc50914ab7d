package io.wsgrid.node.session;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FramesTests {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 200_000})
    void framesOfEveryLengthClassDecodeWithNettysClientDecoder(int length) {
        byte[] payload = "a".repeat(length).getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Frames.text(ByteBufAllocator.DEFAULT, payload);
        assertThat(Frames.payload(frame)).isEqualTo(payload);

        // A client-side decoder: server frames must arrive unmasked.
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        client.writeInbound(frame);
        TextWebSocketFrame decoded = client.readInbound();
        assertThat(decoded.isFinalFragment()).isTrue();
        assertThat(decoded.text()).hasSize(length);
        decoded.release();
        client.finishAndReleaseAll();
    }
}
