package io.wsgrid.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The frame follower finds the server's close code for the access log, however the bytes are split. */
class WsFramesTests {

    @Test
    void theCloseCodeIsFoundAcrossReadBoundaries() {
        ByteBuf text = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 3, 'a', 'b', 'c'});
        ByteBuf close = WsFrames.close(Unpooled.buffer().alloc(), 4500, "kicked");
        ByteBuf all = Unpooled.wrappedBuffer(text, close);
        for (int split = 1; split < all.readableBytes(); split++) {
            WsFrames frames = new WsFrames();
            frames.scan(all.slice(0, split));
            frames.scan(all.slice(split, all.readableBytes() - split));
            assertThat(frames.sawClose()).isTrue();
            assertThat(frames.closeCode()).as("split at %d", split).isEqualTo(4500);
            assertThat(frames.atBoundary()).isTrue();
        }
    }

    @Test
    void aCloseWithoutCodeIs1005AndNoCloseIs0() {
        WsFrames frames = new WsFrames();
        frames.scan(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 1, 'x'}));
        assertThat(frames.closeCode()).isZero();
        frames.scan(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, 0}));
        assertThat(frames.closeCode()).isEqualTo(1005);
    }
}
