package io.wsgrid.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenExpiryTests {

    private static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsExpFromTheUnverifiedPayload() {
        assertThat(TokenExpiry.of(part("{}") + "." + part("{\"sub\":\"a\",\"groups\":[\"x\"],\"exp\":1732000000}") + ".s"))
                .hasValue(1732000000L);
    }

    @Test
    void anythingElseHasNoExpiry() {
        assertThat(TokenExpiry.of("opaque-token")).isEmpty();
        assertThat(TokenExpiry.of(part("{}") + "." + part("{\"sub\":\"a\"}") + ".s")).isEmpty();
        assertThat(TokenExpiry.of(part("{}") + "." + part("{\"exp\":\"soon\"}") + ".s")).isEmpty();
        assertThat(TokenExpiry.of("a.%%%.c")).isEmpty();
        assertThat(TokenExpiry.of(part("{}") + "." + part("not json") + ".s")).isEmpty();
        assertThat(TokenExpiry.of(null)).isEmpty();
    }
}
