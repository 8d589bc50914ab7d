package io.wsgrid.gateway.relay;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Follows WebSocket frame boundaries in the server-to-client byte stream without decoding payloads, so a close frame
 * can be injected between two frames. One instance per session, used on the backend channel's event loop.
 */
final class WsFrames {

    private long remaining;
    private final byte[] header = new byte[14];
    private int headerLength;
    private boolean sawClose;
    private int closeCode;
    private int closeCodeBytes;

    /** Advances over {@code buf} (not consuming it). */
    void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (remaining > 0 && closeCodeBytes > 0) {
                closeCode = (closeCode << 8) | (buf.getByte(i++) & 0xFF);
                closeCodeBytes--;
                remaining--;
                continue;
            }
            if (remaining > 0) {
                int skip = (int) Math.min(remaining, end - i);
                remaining -= skip;
                i += skip;
                continue;
            }
            header[headerLength++] = buf.getByte(i++);
            int needed = headerSize();
            if (needed > 0 && headerLength == needed) {
                remaining = payloadLength();
                if ((header[0] & 0x0F) == 8 && !sawClose) {
                    sawClose = true;
                    closeCodeBytes = remaining >= 2 ? 2 : 0;
                    closeCode = remaining >= 2 ? 0 : 1005;
                }
                headerLength = 0;
            }
        }
    }

    /** Whether the bytes seen so far end exactly at a frame boundary. */
    boolean atBoundary() {
        return remaining == 0 && headerLength == 0;
    }

    /** Whether the server already sent its own close frame (then nothing is injected). */
    boolean sawClose() {
        return sawClose;
    }

    /** The code of the server's close frame (1005 when it had none), or 0 before one was seen whole. */
    int closeCode() {
        return sawClose && closeCodeBytes == 0 ? closeCode : 0;
    }

    /** Header size once enough of it is known, else -1. */
    private int headerSize() {
        if (headerLength < 2) {
            return -1;
        }
        int len7 = header[1] & 0x7F;
        int masked = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + masked;
    }

    private long payloadLength() {
        int len7 = header[1] & 0x7F;
        if (len7 < 126) {
            return len7;
        }
        if (len7 == 126) {
            return ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        }
        long n = 0;
        for (int k = 2; k < 10; k++) {
            n = (n << 8) | (header[k] & 0xFFL);
        }
        return n;
    }

    /** An unmasked close frame (server to client) with {@code code} and {@code reason}. */
    static ByteBuf close(ByteBufAllocator alloc, int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = alloc.buffer(4 + text.length);
        frame.writeByte(0x88).writeByte(2 + text.length).writeShort(code).writeBytes(text);
        return frame;
    }
}
