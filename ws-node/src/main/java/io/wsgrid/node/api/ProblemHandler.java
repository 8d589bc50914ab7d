package io.wsgrid.node.api;

import io.lettuce.core.RedisException;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every REST error as {@code application/problem+json} (RFC 9457) with a precise status; never a stack trace, never a
 * 500 for bad input.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    /** Redis unreachable or too slow: presence, membership and history cannot be read now; the caller may retry. */
    @ExceptionHandler(RedisException.class)
    ProblemDetail clusterStateUnavailable(RedisException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "cluster state (Redis) unavailable, retry later");
    }

    @ExceptionHandler(DataBufferLimitException.class)
    ProblemDetail tooLarge(DataBufferLimitException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, Sends.TOO_LARGE);
    }
}
