package io.wsgrid.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SendRoutesTests {

    @Test
    void theHandWrittenAnswerIsTheContractsJson() {
        assertThat(new String(Sends.answer("01a2-x", "queued", 42), StandardCharsets.US_ASCII))
                .isEqualTo("{\"id\":\"01a2-x\",\"status\":\"queued\",\"offset\":42}");
        assertThat(new String(Sends.answer("01a2-y", null, 7), StandardCharsets.US_ASCII))
                .as("a group send has no status").isEqualTo("{\"id\":\"01a2-y\",\"offset\":7}");
    }

    @Test
    void theFastPathTakesExactlyTheTwoSendPaths() {
        assertThat(SendEndpoint.target("/api/v1/users/alice/messages")).isEqualTo(new SendEndpoint.Target("user", "alice"));
        assertThat(SendEndpoint.target("/api/v1/groups/a%2Fb/messages?x=1")).isEqualTo(new SendEndpoint.Target("group", "a%2Fb"));
        assertThat(SendEndpoint.target("/api/v1/users/a/b/messages")).as("two segments").isNull();
        assertThat(SendEndpoint.target("/api/v1/users//messages")).as("empty name").isNull();
        assertThat(SendEndpoint.target("/api/v1/users/messages")).isNull();
        assertThat(SendEndpoint.target("/api/v1/users/alice/messages/")).isNull();
        assertThat(SendEndpoint.target("/api/v1/broadcast")).isNull();
        assertThat(SendEndpoint.target("http://host/api/v1/users/alice/messages")).as("absolute form goes to WebFlux").isNull();
    }
}
