package io.wsgrid.node.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.node.support.WsClient;

/**
 * Every delivery one raw session ({@link WsClient}, which drops nothing) received, by offset and in arrival order, so
 * a test sees each duplicate the server sent. Not thread-safe: one test thread collects.
 */
final class Frames {

    private final WsClient client;
    private final List<Long> offsets = new ArrayList<>();

    Frames(WsClient client) {
        this.client = client;
    }

    /** Takes what arrived since the last call; returns this. */
    Frames collect() {
        for (String frame : client.drainRaw()) {
            if (ProtocolCodec.INSTANCE.decodeServer(frame) instanceof DecodeResult.Ok<ServerMessage> ok
                    && ok.message() instanceof ServerMessage.Delivery d && d.position() != null) {
                offsets.add(d.position().offset());
            }
        }
        return this;
    }

    List<Long> offsets() {
        return offsets;
    }

    /** Deliveries received beyond the first of their offset. */
    int duplicates() {
        return offsets.size() - new HashSet<>(offsets).size();
    }

    /** Whether every offset from 1 to {@code top} arrived. */
    boolean hasAllUpTo(long top) {
        Set<Long> got = new HashSet<>(offsets);
        for (long o = 1; o <= top; o++) {
            if (!got.contains(o)) {
                return false;
            }
        }
        return true;
    }

    /** Offsets from 1 to {@code top} that did not arrive. */
    List<Long> missingUpTo(long top) {
        Set<Long> got = new HashSet<>(offsets);
        List<Long> out = new ArrayList<>();
        for (long o = 1; o <= top; o++) {
            if (!got.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }
}
