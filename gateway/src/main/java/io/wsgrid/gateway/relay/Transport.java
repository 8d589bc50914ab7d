package io.wsgrid.gateway.relay;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.wsgrid.gateway.GatewayProperties.TransportMode;

/**
 * The socket I/O of the data plane. io_uring relays a frame with fewer system calls than epoll: the reads and writes
 * of one event-loop turn go to the kernel in one submission instead of a {@code recv} and a {@code send} each, which on
 * the echo benchmark takes the gateway's CPU per round trip below nginx's. Backend connections always use the transport
 * of the client connection whose event loop they share.
 */
enum Transport {

    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class) {
        @Override
        boolean available() {
            return IoUring.isAvailable();
        }

        /**
         * 8,192 submission and 65,536 completion entries per loop: at Netty's 4,096 each, thousands of connections on
         * one loop that all get a frame in one turn overflow the completion queue, which loses nothing but multiplies
         * the CPU per frame (measured on ws-node's broadcasts).
         */
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setRingSize(8192).setCqSize(65536));
        }
    },
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class) {
        @Override
        boolean available() {
            return Epoll.isAvailable();
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }
    },
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class) {
        @Override
        boolean available() {
            return true;
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }
    };

    private final String label;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    Transport(String label, Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
        this.label = label;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    abstract boolean available();

    abstract IoHandlerFactory ioHandlerFactory();

    Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The transport for a setting: the best available one for {@code auto}; a named one only if it is available. */
    static Transport of(TransportMode mode) {
        if (mode == TransportMode.AUTO) {
            for (Transport t : values()) {
                if (t.available()) {
                    return t;
                }
            }
        }
        Transport t = valueOf(mode.name());
        if (!t.available()) {
            throw new IllegalStateException("wsgrid.gateway.transport=" + t + " is not available on this machine"
                    + " (kernel, container seccomp profile or CPU architecture); use auto");
        }
        return t;
    }

    /** The channel type for a connection made from {@code sibling}'s event loop (a backend for a client). */
    static Class<? extends SocketChannel> socketChannelFor(Channel sibling) {
        for (Transport t : values()) {
            if (t.socketChannel.isInstance(sibling)) {
                return t.socketChannel;
            }
        }
        throw new IllegalArgumentException("no transport for " + sibling.getClass().getName());
    }
}
