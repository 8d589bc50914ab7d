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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.wsgrid.node.NodeProperties.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The socket I/O of the node's server ({@link NodeProperties#transport()}), on event loops the node owns (also in a JVM
 * that runs several nodes, as tests do: stopping one must not dispose the loops under the others). {@code auto} takes
 * io_uring where the kernel and the container allow it, then epoll, then NIO; the others force one.
 */
@Configuration(proxyBeanMethods = false)
class ServerTransport {

    private static final Logger log = LoggerFactory.getLogger(ServerTransport.class);

    /**
     * io_uring queue sizes per event loop: 8,192 submission and 65,536 completion entries (1.5 MiB a loop). At Netty's
     * defaults (4,096 each) a flood of broadcasts to 5,000 sessions overflowed the completion queue, which loses
     * nothing but cost 10 to 100 µs of CPU per delivery instead of 3.6 (docs/benchmarks.md).
     */
    static final int IO_URING_RING_SIZE = 8192;
    static final int IO_URING_CQ_SIZE = 65536;

    /**
     * Keeps Lettuce (Redis) on epoll. With io_uring on the class path too it warns that it took epoll and then sets
     * io_uring's TCP keep-alive options on its epoll channels, which Netty refuses: Redis connections lose their
     * keep-alive probes. A value given on the command line wins.
     */
    static void lettuceOnEpoll() {
        System.getProperties().putIfAbsent("io.lettuce.core.iouring", "false");
    }

    @Bean
    ReactorResourceFactory reactorResourceFactory(NodeProperties node) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResourcesSupplier(() -> loops(node.transport()));
        return factory;
    }

    /** {@code auto}: the best transport this host allows; any other: itself. */
    private static Transport resolve(Transport configured) {
        if (configured != Transport.AUTO) {
            return configured;
        }
        if (IoUring.isAvailable()) {
            return Transport.IO_URING;
        }
        return Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
    }

    private static LoopResources loops(Transport configured) {
        Transport transport = resolve(configured);
        IoHandlerFactory io = switch (transport) {
            case IO_URING -> {
                IoUring.ensureAvailability();
                yield IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setRingSize(IO_URING_RING_SIZE).setCqSize(IO_URING_CQ_SIZE));
            }
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield EpollIoHandler.newFactory();
            }
            case NIO, AUTO -> NioIoHandler.newFactory(); // AUTO is resolved above
        };
        int count = LoopResources.DEFAULT_IO_WORKER_COUNT;
        String name = transport.name().toLowerCase(Locale.ROOT).replace('_', '-');
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(count, new DefaultThreadFactory("reactor-http-" + name, true), io);
        log.info("server transport: {} ({} event loops{})", name, count, configured == Transport.AUTO ? ", the best this host allows" : "");
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
