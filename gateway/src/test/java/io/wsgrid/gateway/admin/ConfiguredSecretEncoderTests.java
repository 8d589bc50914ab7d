package io.wsgrid.gateway.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfiguredSecretEncoderTests {

    private final SecurityConfiguration.ConfiguredSecretEncoder encoder = SecurityConfiguration.ConfiguredSecretEncoder.INSTANCE;

    @Test
    void keepsOnlyADigestAndMatchesExactlyThePassword() {
        String stored = encoder.encode("s3cret-päss");
        assertThat(stored).doesNotContain("s3cret").hasSize(64);
        assertThat(encoder.matches("s3cret-päss", stored)).isTrue();
        assertThat(encoder.matches("s3cret-pass", stored)).isFalse();
        assertThat(encoder.matches("", stored)).isFalse();
        assertThat(encoder.matches("s3cret-päss", null)).isFalse();
    }
}
