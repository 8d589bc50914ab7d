package io.wsgrid.gateway.backend;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.wsgrid.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Finds nodes through DNS: every interval, the configured name (a Kubernetes headless service) is resolved and its
 * addresses become the backends of source {@code dns}. A failed or empty lookup keeps the last good set, so a DNS
 * hiccup never empties the pool.
 */
@Component
class DnsDiscovery implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

    private final Backends backends;
    private final GatewayProperties.Dns dns;
    private ScheduledExecutorService timer;

    DnsDiscovery(Backends backends, GatewayProperties properties) {
        this.backends = backends;
        this.dns = properties.dns();
    }

    @Override
    public void start() {
        if (dns.name().isBlank()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("wsgrid-dns").daemon().factory());
        timer.scheduleWithFixedDelay(this::refresh, 0, dns.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            List<URI> uris = Arrays.stream(InetAddress.getAllByName(dns.name()))
                    .map(a -> URI.create("http://" + a.getHostAddress() + ":" + dns.port())).toList();
            if (!uris.isEmpty()) {
                backends.sync("dns", uris);
            }
        }
        catch (UnknownHostException e) {
            log.warn("DNS lookup of {} failed; keeping the last known nodes: {}", dns.name(), e.getMessage());
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
