package io.wsgrid.node.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What travels between nodes: a delivery (its encoded {@code message} frame and whom it is for) or a control command.
 * Encoded compactly in binary: version, kind, then length-prefixed UTF-8 strings, the stream offset, and the payload.
 *
 * @param kind    what to do on arrival
 * @param origin  the node that published it (receivers skip their own)
 * @param to      the one node it is for, or empty when it is for every node. Transports that cannot address one node
 *                (a RabbitMQ fanout) bring it to all; the others drop it
 * @param tenant  the tenant
 * @param target  user or group name; empty for broadcasts
 * @param extra   the group for membership commands, the session id for session commands, else empty
 * @param offset  the message's offset in its stream (user or group deliveries), else 0
 * @param epoch   the stream's epoch with {@code offset}, else empty
 * @param payload the encoded {@code message} frame for deliveries, else empty
 */
public record Envelope(Kind kind, String origin, String to, String tenant, String target, String extra, long offset, String epoch,
        byte[] payload) {

    private static final byte VERSION = 2;
    private static final byte[] NONE = new byte[0];

    public enum Kind {
        USER, GROUP, BROADCAST, JOIN, LEAVE, KICK,
        /** A live frame for one session ({@code extra}) on node {@code to}. */
        SESSION,
        /** Close one session ({@code extra}) on node {@code to} with 4500. */
        CLOSE_SESSION,
        /** A presence frame for the sessions of group {@code target} (the user in {@code extra}) on every node. */
        PRESENCE;

        private static final Kind[] VALUES = values();
    }

    /** A user message for the user's sessions on node {@code to}. */
    public static Envelope user(String origin, String to, String tenant, String user, long offset, String epoch, byte[] frame) {
        return new Envelope(Kind.USER, origin, to, tenant, user, "", offset, epoch, frame);
    }

    /** A group message for every node. */
    public static Envelope group(String origin, String tenant, String group, long offset, String epoch, byte[] frame) {
        return new Envelope(Kind.GROUP, origin, "", tenant, group, "", offset, epoch, frame);
    }

    /** A broadcast for every node. */
    public static Envelope broadcast(String origin, String tenant, byte[] frame) {
        return new Envelope(Kind.BROADCAST, origin, "", tenant, "", "", 0, "", frame);
    }

    /** A frame for one session on node {@code to}, or (with an empty frame and {@link Kind#CLOSE_SESSION}) its close. */
    public static Envelope session(Kind kind, String origin, String to, String tenant, String session, byte[] frame) {
        return new Envelope(kind, origin, to, tenant, "", session, 0, "", frame);
    }

    /** A command for every node. */
    public static Envelope control(Kind kind, String origin, String tenant, String user, String extra) {
        return new Envelope(kind, origin, "", tenant, user, extra, 0, "", NONE);
    }

    /** Whether a node should act on it: it is for every node or for that one. */
    public boolean isFor(String node) {
        return to.isEmpty() || to.equals(node);
    }

    public byte[] encode() {
        byte[][] strings = {bytes(origin), bytes(to), bytes(tenant), bytes(target), bytes(extra), bytes(epoch)};
        int size = 2 + 8 + payload.length;
        for (byte[] s : strings) {
            size += 4 + s.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION).put((byte) kind.ordinal());
        for (byte[] s : strings) {
            out.putInt(s.length).put(s);
        }
        return out.putLong(offset).put(payload).array();
    }

    /** Decodes; throws {@link IllegalArgumentException} for anything this version did not write. */
    public static Envelope decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw new IllegalArgumentException("unknown envelope version");
            }
            Kind kind = Kind.VALUES[in.get()];
            String origin = string(in);
            String to = string(in);
            String tenant = string(in);
            String target = string(in);
            String extra = string(in);
            String epoch = string(in);
            long offset = in.getLong();
            byte[] payload = new byte[in.remaining()];
            in.get(payload);
            return new Envelope(kind, origin, to, tenant, target, extra, offset, epoch, payload);
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed envelope: " + e, e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad string length " + length);
        }
        byte[] s = new byte[length];
        in.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
