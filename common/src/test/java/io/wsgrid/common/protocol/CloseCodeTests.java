package io.wsgrid.common.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CloseCodeTests {

    @Test
    void codesMatchTheContract() {
        assertThat(CloseCode.GOING_AWAY.code()).isEqualTo(1001);
        assertThat(CloseCode.TOO_BIG.code()).isEqualTo(1009);
        assertThat(CloseCode.INTERNAL_ERROR.code()).isEqualTo(1011);
        assertThat(CloseCode.SERVICE_RESTART.code()).isEqualTo(1012);
        assertThat(CloseCode.TRY_AGAIN_LATER.code()).isEqualTo(1013);
        assertThat(CloseCode.UNAUTHORIZED.code()).isEqualTo(4001);
        assertThat(CloseCode.SLOW_CONSUMER.code()).isEqualTo(4008);
        assertThat(CloseCode.RATE_LIMITED.code()).isEqualTo(4029);
    }

    @Test
    void reconnectRules() {
        assertThat(CloseCode.shouldReconnect(1001)).isTrue();
        assertThat(CloseCode.shouldReconnect(1006)).isTrue();
        assertThat(CloseCode.shouldReconnect(1012)).isTrue();
        assertThat(CloseCode.shouldReconnect(4008)).isTrue();
        assertThat(CloseCode.shouldReconnect(4029)).isTrue();
        assertThat(CloseCode.shouldReconnect(4001)).isFalse();
        assertThat(CloseCode.shouldReconnect(4500)).isFalse();
        assertThat(CloseCode.shouldReconnect(4999)).isFalse();
        assertThat(CloseCode.shouldReconnect(5000)).isTrue();
        assertThat(CloseCode.reconnectImmediately(1012)).isTrue();
        assertThat(CloseCode.reconnectImmediately(1001)).isFalse();
    }

    @Test
    void lookupByNumber() {
        assertThat(CloseCode.of(4008)).isEqualTo(CloseCode.SLOW_CONSUMER);
        assertThat(CloseCode.of(3999)).isNull();
    }
}
