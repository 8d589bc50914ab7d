package io.wsgrid.gateway.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.PeriodicTask;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;

import org.springframework.stereotype.Component;

/**
 * Active health checks: every interval, {@code GET <node><path>} on each backend; {@code rise} successes in a row
 * bring a DOWN backend UP, {@code fall} failures take an UP one DOWN. Passive ejection (failed handshakes) happens in
 * the relay; both feed the same {@link Backends}.
 */
@Component
class HealthChecker extends PeriodicTask {

    private final Backends backends;
    private final GatewayProperties.Health config;
    private final HttpClient http;

    HealthChecker(Backends backends, GatewayProperties properties) {
        super("wsgrid-health", properties.health().interval());
        this.backends = backends;
        this.config = properties.health();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout()).build();
    }

    @Override
    protected void runOnce() {
        for (Backend backend : backends.all()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(backend.uri() + config.path())).timeout(config.timeout()).GET().build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                boolean healthy = error == null && response.statusCode() == 200;
                String why = error != null ? String.valueOf(error.getCause() != null ? error.getCause() : error)
                        : "readiness answered " + response.statusCode();
                backends.probed(backend, healthy, config.rise(), config.fall(), healthy ? "" : why);
            });
        }
    }
}
