package io.wsgrid.gateway.admin;

import io.wsgrid.gateway.backend.BackendState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The backends table shows "Last error" only while it says something about now. */
class CurrentErrorTests {

    private static final long NOW = 1_700_000_000_000L;
    private static final long MINUTE = 60_000;

    @Test
    void aDownBackendAlwaysShowsItsError() {
        assertThat(CurrentError.isCurrent(BackendState.DOWN, "java.net.ConnectException", NOW - 60 * MINUTE, NOW, MINUTE)).isTrue();
    }

    @Test
    void anUpBackendShowsAnErrorOnlyForAWhileAfterIt() {
        assertThat(CurrentError.isCurrent(BackendState.UP, "java.net.ConnectException", NOW - 40_000, NOW, MINUTE)).isTrue();
        assertThat(CurrentError.isCurrent(BackendState.UP, "java.net.ConnectException", NOW - MINUTE, NOW, MINUTE)).isFalse();
        assertThat(CurrentError.isCurrent(BackendState.DISABLED, "java.net.ConnectException", NOW - 2 * MINUTE, NOW, MINUTE)).isFalse();
        assertThat(CurrentError.isCurrent(BackendState.DRAINING, "timeout", NOW - 1000, NOW, MINUTE)).isTrue();
    }

    @Test
    void noErrorIsNeverShown() {
        assertThat(CurrentError.isCurrent(BackendState.DOWN, "", NOW, NOW, MINUTE)).isFalse();
        assertThat(CurrentError.isCurrent(BackendState.DOWN, null, NOW, NOW, MINUTE)).isFalse();
    }
}
