package io.wsgrid.node.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What travels between nodes: a delivery (its encoded {@code message} frame payload and whom it is for) or a control
 * command. Encoded compactly in binary: version, kind, then length-prefixed UTF-8 strings and the payload.
 *
 * @param kind    what to do on arrival
 * @param origin  the node that published it (receivers skip their own)
 * @param tenant  the tenant
 * @param target  user or group name; empty for broadcasts
 * @param extra   the group for membership commands, else empty
 * @param payload the encoded {@code message} frame payload for deliveries, else empty
 */
public record Envelope(Kind kind, String origin, String tenant, String target, String extra, byte[] payload) {

    private static final byte VERSION = 1;
    private static final byte[] NONE = new byte[0];

    public enum Kind {
        USER, GROUP, BROADCAST, JOIN, LEAVE, KICK;

        private static final Kind[] VALUES = values();
    }

    public static Envelope delivery(Kind kind, String origin, String tenant, String target, byte[] payload) {
        return new Envelope(kind, origin, tenant, target, "", payload);
    }

    public static Envelope control(Kind kind, String origin, String tenant, String user, String group) {
        return new Envelope(kind, origin, tenant, user, group, NONE);
    }

    public byte[] encode() {
        byte[] o = origin.getBytes(StandardCharsets.UTF_8);
        byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
        byte[] g = target.getBytes(StandardCharsets.UTF_8);
        byte[] e = extra.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(2 + 4 * 4 + o.length + t.length + g.length + e.length + payload.length);
        out.put(VERSION).put((byte) kind.ordinal());
        for (byte[] s : new byte[][] {o, t, g, e}) {
            out.putInt(s.length).put(s);
        }
        return out.put(payload).array();
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
            String tenant = string(in);
            String target = string(in);
            String extra = string(in);
            byte[] payload = new byte[in.remaining()];
            in.get(payload);
            return new Envelope(kind, origin, tenant, target, extra, payload);
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed envelope: " + e, e);
        }
    }

    private static String string(ByteBuffer in) {
        byte[] s = new byte[in.getInt()];
        in.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
