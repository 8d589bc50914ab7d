package io.wsgrid.node.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds complete server-to-client WebSocket text frames (RFC 6455 section 5.2: FIN, opcode 1, no mask). Server
 * frames are never masked, so one encoded frame is valid for every recipient: fan-out writes
 * {@link ByteBuf#retainedDuplicate()} of it, and Netty's frame encoder lets raw buffers pass untouched. Frames without
 * RSV bits are valid on compressed (permessage-deflate) sessions too.
 */
public final class Frames {

    private Frames() {
    }

    /** A text frame carrying {@code utf8}, allocated from {@code alloc}; the caller owns the one reference. */
    public static ByteBuf text(ByteBufAllocator alloc, byte[] utf8) {
        int length = utf8.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf frame = alloc.buffer(header + length);
        frame.writeByte(0x81);
        if (length < 126) {
            frame.writeByte(length);
        }
        else if (length <= 0xFFFF) {
            frame.writeByte(126);
            frame.writeShort(length);
        }
        else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(utf8);
        return frame;
    }

    /** The payload of a frame made by {@link #text}, without consuming it. */
    public static byte[] payload(ByteBuf frame) {
        int lengthByte = frame.getUnsignedByte(frame.readerIndex() + 1);
        int header = lengthByte < 126 ? 2 : lengthByte == 126 ? 4 : 10;
        byte[] out = new byte[frame.readableBytes() - header];
        frame.getBytes(frame.readerIndex() + header, out);
        return out;
    }
}
