package io.wsgrid.gateway.relay;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The data plane's lifecycle: binds the data port on Netty (io_uring or epoll when available, see {@link Transport}),
 * and on shutdown tells every relayed client to reconnect now (1012) so it moves to another gateway instance. Drains
 * requested on a backend close its sessions with 1012 at the configured rate, and sessions idle past the idle timeout
 * are closed the same way.
 */
@Component
public class RelayServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    private final GatewayProperties properties;
    private final RelayInitializer initializer;
    private final Clients clients;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ScheduledExecutorService drainer;
    private Channel server;
    private volatile int port = -1;

    RelayServer(GatewayProperties properties, RelayInitializer initializer, Clients clients, Backends backends) {
        this.properties = properties;
        this.initializer = initializer;
        this.clients = clients;
        backends.onDrain(this::drain);
    }

    @Override
    public void start() {
        Transport transport = Transport.of(properties.transport());
        boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        // One loop per core: a relayed byte is a read and a write, and more threads than cores only add switches
        // (measured: one loop on two cores relayed fewer round trips than two).
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), transport.ioHandlerFactory());
        drainer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("wsgrid-drain").daemon().factory());
        server = new ServerBootstrap().group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(properties.port()).syncUninterruptibly().channel();
        port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
        // Idle sessions are found by a sweep over timestamps rather than a per-session timer handler, which would
        // allocate a promise and a listener for every relayed write.
        long idleNanos = properties.idleTimeout().toNanos();
        long sweep = Math.max(1000, properties.idleTimeout().toMillis() / 4);
        drainer.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            for (ClientConnection c : clients.all()) {
                if (now - c.lastActivityNanos > idleNanos) {
                    Relay.requestClose(c);
                }
            }
        }, sweep, sweep, TimeUnit.MILLISECONDS);
        log.info("gateway data plane listening on port {} ({})", port, transport);
    }

    /** The bound data port (useful when configured as 0). */
    public int port() {
        return port;
    }

    private void drain(Backend backend) {
        long intervalMicros = Math.max(1, 1_000_000L / properties.drainRate());
        long delay = 0;
        for (ClientConnection c : clients.all()) {
            if (c.backend() == backend) {
                drainer.schedule(() -> Relay.requestClose(c), delay, TimeUnit.MICROSECONDS);
                delay += intervalMicros;
            }
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        clients.all().forEach(Relay::requestClose);
        drainer.shutdown();
        workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        port = -1;
    }

    @Override
    public boolean isRunning() {
        return port >= 0;
    }
}
