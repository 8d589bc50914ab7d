package io.wsgrid.node.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy to a real server that can simulate its outage: {@link #cut()} drops every connection and refuses new
 * ones until {@link #restore()}. From the client's side this is what a server restart looks like, without disturbing
 * the shared server other tests use.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;
    private volatile boolean closed;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        up = false;
        for (Socket s : open) {
            try {
                s.close();
            }
            catch (IOException ignored) {
                // closing anyway
            }
        }
        open.clear();
    }

    public void restore() {
        up = true;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (!up) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket("127.0.0.1", targetPort);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            }
            catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        }
        catch (IOException ignored) {
            // either side went away
        }
        finally {
            try {
                from.close();
                to.close();
            }
            catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
        server.close();
    }
}
