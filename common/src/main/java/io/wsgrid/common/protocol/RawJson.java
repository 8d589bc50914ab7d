package io.wsgrid.common.protocol;

import java.util.Objects;

/**
 * A JSON value kept as its text, so a payload crosses the cluster without being parsed into a tree and written back.
 * Instances made by {@link ProtocolCodec} hold well-formed JSON; {@link #of(String)} trusts its caller.
 */
public record RawJson(String json) {

    public static final RawJson NULL = new RawJson("null");

    public RawJson {
        Objects.requireNonNull(json, "json");
    }

    /** Wraps text the caller knows to be one well-formed JSON value. */
    public static RawJson of(String json) {
        return new RawJson(json);
    }

    @Override
    public String toString() {
        return json;
    }
}
