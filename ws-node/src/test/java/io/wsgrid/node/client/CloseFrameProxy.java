package io.wsgrid.node.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a node that can end every WebSocket it carries with a close frame of a chosen code, as the
 * gateway does when it drains a node (1012). The frame is written between the node's frames only if the node is not
 * sending at that moment: call {@link #closeAll} while the connections are idle (the tests do).
 */
final class CloseFrameProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    CloseFrameProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Sends {@code code} as a server close frame on every open connection and drops their node side. */
    void closeAll(int code) {
        for (Link link : links) {
            // Only the links injected here: a client that reconnects at once may have opened a new one meanwhile.
            links.remove(link);
            link.inject(code);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Link link = new Link(client, new Socket("127.0.0.1", targetPort));
                links.add(link);
                Thread.ofVirtual().start(link::clientToNode);
                Thread.ofVirtual().start(link::nodeToClient);
            }
            catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static final class Link {
        private final Socket client;
        private final Socket node;
        private final Object writing = new Object();
        private volatile boolean injected;

        Link(Socket client, Socket node) {
            this.client = client;
            this.node = node;
        }

        void inject(int code) {
            synchronized (writing) {
                injected = true;
                try {
                    // FIN + opcode 8 (close), unmasked as server frames are, 2 bytes of payload: the code.
                    client.getOutputStream().write(new byte[] {(byte) 0x88, 2, (byte) (code >> 8), (byte) code});
                    client.getOutputStream().flush();
                }
                catch (IOException ignored) {
                    // the client is gone already
                }
            }
            quietly(node);
        }

        void nodeToClient() {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = node.getInputStream()) {
                OutputStream out = client.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (writing) {
                        if (injected) {
                            return;
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
            catch (IOException ignored) {
                // either side went away
            }
            finally {
                if (!injected) {
                    quietly(client);
                }
            }
        }

        /** After an injected close, the client's next bytes are its close reply: then the TCP connection ends. */
        void clientToNode() {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = client.getInputStream()) {
                OutputStream out = node.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0 && !injected) {
                    out.write(buffer, 0, n);
                }
            }
            catch (IOException ignored) {
                // either side went away
            }
            finally {
                quietly(client);
                quietly(node);
            }
        }
    }

    private static void quietly(Socket socket) {
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
        links.forEach(l -> quietly(l.client));
    }
}
