package io.wsgrid.node.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address in front of several nodes, as a layer-4 load balancer is: each new connection goes to the next node
 * (round robin) that accepts a TCP connection. A node that dies takes its connections down with it (the client sees
 * the socket end, close code 1006), and a client reconnecting to the same address lands on a survivor. It lets a
 * client with one URL fail over between node processes without the gateway.
 */
public final class FailoverProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Integer> targets;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public FailoverProxy(List<Integer> targetPorts) throws IOException {
        this.targets = List.copyOf(targetPorts);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> connect(client));
            }
            catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void connect(Socket client) {
        int first = Math.floorMod(next.getAndIncrement(), targets.size());
        for (int i = 0; i < targets.size(); i++) {
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress("127.0.0.1", targets.get((first + i) % targets.size())), 1_000);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
                return;
            }
            catch (IOException refused) {
                closeQuietly(upstream);
            }
        }
        closeQuietly(client);
    }

    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        }
        catch (IOException ignored) {
            // either side went away
        }
        finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        open.forEach(FailoverProxy::closeQuietly);
    }
}
