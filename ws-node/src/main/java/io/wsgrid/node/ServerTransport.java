package io.wsgrid.node;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The socket I/O of the node's server ({@link NodeProperties#transport()}), on event loops of the node's own (also in a
 * JVM that runs several nodes, as tests do: stopping one must not dispose the loops under the others). With
 * {@code auto} Reactor Netty picks io_uring when the kernel allows it, else epoll; {@code epoll} and {@code nio} run
 * the server on loops of that kind instead (Reactor Netty has no switch between its native transports).
 */
@Configuration(proxyBeanMethods = false)
class ServerTransport {

    private static final Logger log = LoggerFactory.getLogger(ServerTransport.class);

    /**
     * io_uring completion queue entries per event loop. Netty's default (4,096) overflows when a loop's thousands of
     * sessions each get a frame in one turn, and the overflow path tripled a broadcast's CPU per delivery.
     */
    static final String IO_URING_CQ_SIZE = "65536";

    /**
     * Sets what the io_uring transport reads once, when its classes load, and keeps Lettuce (Redis) on epoll without
     * its warning that both are there; a value given on the command line wins.
     */
    static void ioUringDefaults() {
        if (System.getProperty("io.netty.iouring.cqSize") == null) {
            System.setProperty("io.netty.iouring.cqSize", IO_URING_CQ_SIZE);
        }
        if (System.getProperty("io.lettuce.core.iouring") == null) {
            System.setProperty("io.lettuce.core.iouring", "false");
        }
    }

    @Bean
    ReactorResourceFactory reactorResourceFactory(NodeProperties node) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResourcesSupplier(() -> loops(node.transport()));
        return factory;
    }

    private static LoopResources loops(NodeProperties.Transport transport) {
        int count = LoopResources.DEFAULT_IO_WORKER_COUNT;
        IoHandlerFactory io = switch (transport) {
            case AUTO -> null;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("wsgrid.node.transport=epoll, but epoll is not available here: " + Epoll.unavailabilityCause());
                }
                yield EpollIoHandler.newFactory();
            }
            case NIO -> NioIoHandler.newFactory();
        };
        if (io == null) {
            return LoopResources.create("reactor-http", count, true);
        }
        String name = "reactor-http-" + transport.name().toLowerCase(Locale.ROOT);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(count, new DefaultThreadFactory(name, true), io);
        log.info("server transport forced to {} ({} event loops)", transport.name().toLowerCase(Locale.ROOT), count);
        return new LoopResources() {
            @Override
            public EventLoopGroup onServer(boolean useNative) {
                return group;
            }

            @Override
            public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
                return Mono.create(done -> group.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .addListener(future -> done.success()));
            }
        };
    }
}
