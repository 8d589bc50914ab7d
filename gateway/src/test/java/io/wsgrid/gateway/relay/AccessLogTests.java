package io.wsgrid.gateway.relay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogTests {

    @Test
    void valuesStayOneTokenSoLinesParseAsLogfmt() {
        assertThat(AccessLog.value("alice")).isEqualTo("alice");
        assertThat(AccessLog.value(null)).isEqualTo("-");
        assertThat(AccessLog.value("a b=\"c\"\nfake=1")).isEqualTo("\"a b=\\\"c\\\"\\nfake=1\"");
    }
}
