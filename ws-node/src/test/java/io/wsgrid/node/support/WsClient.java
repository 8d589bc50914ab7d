package io.wsgrid.node.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.ServerMessage;

/**
 * A real WebSocket client for tests (the JDK's), collecting every text frame it receives and the close code.
 */
public final class WsClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile String closeReason;
    private final WebSocket socket;

    private WsClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public static WsClient connect(String url) {
        return new WsClient(URI.create(url), Map.of());
    }

    public static WsClient connect(String url, Map<String, String> headers) {
        return new WsClient(URI.create(url), headers);
    }

    /** Connects and waits for the {@code connected} frame. */
    public static WsClient connected(String url) {
        WsClient client = connect(url);
        client.expect(ServerMessage.Connected.class);
        return client;
    }

    public void send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Sends without waiting for the write to finish; for frames the server is expected to refuse mid-way. */
    public void sendAndForget(String text) {
        socket.sendText(text, true).exceptionally(e -> null);
    }

    /** The next frame, decoded, within 10 s. */
    public ServerMessage next() {
        String frame = nextRaw();
        return switch (ProtocolCodec.INSTANCE.decodeServer(frame)) {
            case DecodeResult.Ok<ServerMessage> ok -> ok.message();
            case DecodeResult.Invalid<ServerMessage> invalid -> throw new AssertionError("undecodable frame " + frame + ": " + invalid.detail());
        };
    }

    /** The next raw text frame within 10 s. */
    public String nextRaw() {
        try {
            String frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 10s (closed: " + closeCode.getNow(null) + ")");
            }
            return frame;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of {@code type}. */
    public <T extends ServerMessage> T expect(Class<T> type) {
        ServerMessage message = next();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + message);
        }
        return type.cast(message);
    }

    /** Skips frames until one matches; fails after 10 s. */
    public ServerMessage until(Predicate<ServerMessage> match) {
        while (true) {
            ServerMessage m = next();
            if (match.test(m)) {
                return m;
            }
        }
    }

    /** The frames received so far and not yet consumed, without waiting. */
    public List<String> drainRaw() {
        List<String> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    /** Whether another frame arrives within {@code millis}. */
    public boolean receivesWithin(long millis) throws InterruptedException {
        String frame = frames.poll(millis, TimeUnit.MILLISECONDS);
        return frame != null;
    }

    /** The close code the server sent, waiting up to 10 s. */
    public int closeCode() {
        return closeCode.orTimeout(10, TimeUnit.SECONDS).join();
    }

    public String closeReason() {
        closeCode();
        return closeReason;
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    public int pings() {
        return pings.get();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            return WebSocket.Listener.super.onPing(webSocket, message);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }
}
