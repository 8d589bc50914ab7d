package io.wsgrid.common.protocol;

/**
 * The outcome of decoding one frame: the message, or why it was refused. Decoding never throws on bad input.
 *
 * @param <T> the decoded message type
 */
public sealed interface DecodeResult<T> {

    record Ok<T>(T message) implements DecodeResult<T> {
    }

    /** Bad input: {@code code} is what an {@code error} frame should carry, {@code detail} says what was wrong. */
    record Invalid<T>(ErrorCode code, String detail) implements DecodeResult<T> {
    }

    static <T> DecodeResult<T> ok(T message) {
        return new Ok<>(message);
    }

    static <T> DecodeResult<T> invalid(String detail) {
        return new Invalid<>(ErrorCode.BAD_REQUEST, detail);
    }
}
