package io.wsgrid.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that accepts connections, reads each request line and never answers: the hung node that forwarding
 * must not wait on forever. Records the request lines it got.
 */
public final class SilentBackend implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public SilentBackend() throws IOException {
        server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread.ofVirtual().start(() -> readRequestLine(s));
            }
            catch (IOException e) {
                return;
            }
        }
    }

    private void readRequestLine(Socket s) {
        try {
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            requests.add(new String(line.toString().trim().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            in.transferTo(OutputStreamNull.INSTANCE);
        }
        catch (IOException e) {
            // The gateway gave up on us: that is the point.
        }
    }

    /** Requests whose line starts with {@code prefix}, e.g. "GET /api/v1/users/a". */
    public long requests(String prefix) {
        return requests.stream().filter(r -> r.startsWith(prefix)).count();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public String backendId() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
