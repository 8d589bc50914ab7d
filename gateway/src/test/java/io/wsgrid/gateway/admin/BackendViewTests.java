package io.wsgrid.gateway.admin;

import java.net.URI;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend view shows each backend's passive ejection (circuit breaker) as operators need it. */
class BackendViewTests {

    @Test
    void failuresOpenTheCircuitUntilTheNextRetryAndASuccessClosesIt() {
        GatewayProperties props = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("wsgrid.gateway", Bindable.of(GatewayProperties.class));
        Backends backends = new Backends(props, new SimpleMeterRegistry());
        Backend b = backends.add(URI.create("http://10.0.0.5:8081"), 1, "test");
        assertThat(AdminController.BackendView.of(b, 60_000).circuit()).isEqualTo("CLOSED");
        assertThat(AdminController.BackendView.of(b, 60_000).nextRetry()).isNull();

        long before = System.currentTimeMillis();
        backends.failed(b, "connect: refused");
        backends.failed(b, "connect: refused");
        AdminController.BackendView open = AdminController.BackendView.of(b, 60_000);
        assertThat(open.circuit()).isEqualTo("OPEN");
        assertThat(open.consecutiveFailures()).isEqualTo(2);
        // The second failure in a row ejects for 2 s (1 s doubled).
        assertThat(open.nextRetry()).isBetween(before + 1_900, System.currentTimeMillis() + 2_000);
        assertThat(open.lastError()).isEqualTo("connect: refused");

        backends.succeeded(b);
        assertThat(AdminController.BackendView.of(b, 60_000).consecutiveFailures()).isZero();
    }
}
