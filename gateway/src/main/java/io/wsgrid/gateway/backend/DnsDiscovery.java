package io.wsgrid.gateway.backend;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Finds nodes through DNS: every interval, the configured name (a Kubernetes headless service) is resolved and its
 * addresses become the backends of source {@code dns}. A failed or empty lookup keeps the last good set, so a DNS
 * hiccup never empties the pool.
 */
@Component
class DnsDiscovery extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

    private final Backends backends;
    private final GatewayProperties.Dns dns;

    DnsDiscovery(Backends backends, GatewayProperties properties) {
        super("wsgrid-dns", properties.dns().interval());
        this.backends = backends;
        this.dns = properties.dns();
    }

    @Override
    protected boolean enabled() {
        return !dns.name().isBlank();
    }

    @Override
    protected void runOnce() {
        try {
            List<URI> uris = Arrays.stream(InetAddress.getAllByName(dns.name()))
                    .map(a -> uri(a, dns.port())).toList();
            if (!uris.isEmpty()) {
                backends.sync("dns", uris);
            }
        }
        catch (UnknownHostException e) {
            log.warn("DNS lookup of {} failed; keeping the last known nodes: {}", dns.name(), e.getMessage());
        }
    }

    /** A node's base URL; IPv6 addresses (dual-stack clusters) need brackets, and a zone id has no place in a URL. */
    static URI uri(InetAddress address, int port) {
        if (address instanceof Inet6Address) {
            String host = address.getHostAddress();
            int zone = host.indexOf('%');
            return URI.create("http://[" + (zone < 0 ? host : host.substring(0, zone)) + "]:" + port);
        }
        return URI.create("http://" + address.getHostAddress() + ":" + port);
    }
}
