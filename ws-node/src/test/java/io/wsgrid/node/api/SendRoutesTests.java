package io.wsgrid.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SendRoutesTests {

    @Test
    void theHandWrittenAnswerIsTheContractsJson() {
        assertThat(new String(SendRoutes.answer("01a2-x", "queued", 42), StandardCharsets.US_ASCII))
                .isEqualTo("{\"id\":\"01a2-x\",\"status\":\"queued\",\"offset\":42}");
        assertThat(new String(SendRoutes.answer("01a2-y", null, 7), StandardCharsets.US_ASCII))
                .as("a group send has no status").isEqualTo("{\"id\":\"01a2-y\",\"offset\":7}");
    }

    @Test
    void noRequestIsADryRunOutsideTheWarmUp() {
        RestWarmup.DryRun dryRun = new RestWarmup.DryRun();
        assertThat(dryRun.matches(null)).isFalse();
        assertThat(dryRun.matches("")).isFalse();
        assertThat(dryRun.matches("anything")).isFalse();
    }
}
