package io.wsgrid.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;

/**
 * A wsgrid client: one logical connection for one user that survives node restarts, failovers and network blips.
 *
 * <p>After an unexpected close it reconnects with exponential backoff and full jitter ({@link Backoff}); after 1012
 * (service restart: drain or failover) it reconnects at once, spread only by jitter; after 4001 (unauthorized) or a
 * code from 4500 to 4999 it gives up. Groups joined through {@link #join} are joined again after every reconnect.
 *
 * <p>Thread-safety: every method may be called from any thread. Handlers run one at a time, in arrival order, on the
 * client's own thread; a slow handler delays the ones after it, so hand heavy work to another executor.
 *
 * <pre>{@code
 * WsGridClient client = WsGridClient.builder()
 *         .url(URI.create("ws://localhost:8080/ws"))
 *         .user("alice")
 *         .onMessage(m -> System.out.println(m.data()))
 *         .build();
 * client.connect().join();
 * client.join("news");
 * }</pre>
 */
public final class WsGridClient implements AutoCloseable {

    /** Called when a session ends: the close code, the reason, and whether the client will reconnect. */
    @FunctionalInterface
    public interface CloseHandler {
        void onClose(int code, String reason, boolean willReconnect);
    }

    private final URI url;
    private final Map<String, String> headers;
    private final HttpClient http;
    private final ScheduledExecutorService events;
    private final boolean ownsEvents;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final boolean reconnect;
    private final Consumer<ServerMessage.Connected> onConnected;
    private final Consumer<ServerMessage.Delivery> onMessage;
    private final Consumer<ServerMessage> onEvent;
    private final Consumer<String> onFrame;
    private final CloseHandler onClose;
    private final Consumer<Throwable> onError;

    private final Set<String> groups = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Duration>> pings = new ConcurrentHashMap<>();
    private final AtomicLong pingIds = new AtomicLong();
    private final Object sendLock = new Object();

    private volatile WebSocket socket;
    private volatile boolean closed;
    private volatile CompletableFuture<ServerMessage.Connected> firstConnect;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private int attempt;

    private WsGridClient(Builder b) {
        this.url = withQuery(b.url, b.user);
        this.headers = b.headers();
        this.http = b.httpClient != null ? b.httpClient : HttpClient.newHttpClient();
        this.ownsEvents = b.events == null;
        this.events = b.events != null ? b.events
                : Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("wsgrid-client").daemon().factory());
        this.backoff = b.backoff;
        this.random = b.random;
        this.reconnect = b.reconnect;
        this.onConnected = b.onConnected;
        this.onMessage = b.onMessage;
        this.onEvent = b.onEvent;
        this.onFrame = b.onFrame;
        this.onClose = b.onClose;
        this.onError = b.onError;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the connection. The future completes with the first {@code connected} frame, or fails when the first
     * attempt is refused for good (4001) or the client is closed; transient failures are retried with backoff.
     */
    public CompletableFuture<ServerMessage.Connected> connect() {
        synchronized (this) {
            if (firstConnect == null) {
                firstConnect = new CompletableFuture<>();
                events.execute(this::open);
            }
            return firstConnect;
        }
    }

    /** Joins a group now (when connected) and after every reconnect. */
    public CompletableFuture<Void> join(String group) {
        groups.add(Objects.requireNonNull(group, "group"));
        return socket == null ? CompletableFuture.completedFuture(null) : send(new ClientMessage.Join(group));
    }

    /** Leaves a group and stops rejoining it. */
    public CompletableFuture<Void> leave(String group) {
        groups.remove(group);
        return socket == null ? CompletableFuture.completedFuture(null) : send(new ClientMessage.Leave(group));
    }

    /** Publishes to a group this client joined; fails when not connected (nothing is buffered across reconnects). */
    public CompletableFuture<Void> publish(String group, RawJson data) {
        return send(new ClientMessage.Publish(group, data));
    }

    /** Sends to every session of {@code user}; fails when not connected. */
    public CompletableFuture<Void> send(String user, RawJson data) {
        return send(new ClientMessage.Send(user, data));
    }

    /** An application-level ping; completes with the round-trip time when the pong arrives. */
    public CompletableFuture<Duration> ping() {
        String id = Long.toString(pingIds.incrementAndGet());
        CompletableFuture<Duration> result = new CompletableFuture<>();
        long start = System.nanoTime();
        pings.put(id, result);
        send(new ClientMessage.Ping(id)).whenComplete((v, e) -> {
            if (e != null) {
                pings.remove(id);
                result.completeExceptionally(e);
            }
        });
        return result.thenApply(ignored -> Duration.ofNanos(System.nanoTime() - start));
    }

    /** Whether a session is open right now. */
    public boolean isConnected() {
        return socket != null;
    }

    /** The groups this client keeps joined. */
    public Set<String> groups() {
        return Set.copyOf(groups);
    }

    /** Closes the session with 1000 and stops reconnecting. */
    @Override
    public void close() {
        closed = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "client closed").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            ws.abort();
        }
        CompletableFuture<ServerMessage.Connected> first = firstConnect;
        if (first != null) {
            first.completeExceptionally(new IllegalStateException("client closed"));
        }
        if (ownsEvents) {
            events.shutdown();
        }
    }

    private CompletableFuture<Void> send(ClientMessage message) {
        String text = new String(ProtocolCodec.INSTANCE.encode(message), StandardCharsets.UTF_8);
        synchronized (sendLock) {
            WebSocket ws = socket;
            if (ws == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            // The JDK WebSocket allows one outstanding send at a time: chain them.
            CompletableFuture<Void> next = sendChain.handle((r, e) -> null)
                    .thenCompose(ignored -> ws.sendText(text, true))
                    .thenApply(w -> null);
            sendChain = next;
            return next;
        }
    }

    private void open() {
        if (closed) {
            return;
        }
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        builder.buildAsync(url, new Listener()).whenComplete((ws, error) -> {
            if (error != null) {
                events.execute(() -> ended(1006, String.valueOf(error.getCause() != null ? error.getCause() : error)));
            }
        });
    }

    /** Runs on the events thread. */
    private void ended(int code, String reason) {
        socket = null;
        pings.values().forEach(p -> p.completeExceptionally(new IllegalStateException("connection closed")));
        pings.clear();
        boolean again = reconnect && !closed && CloseCode.shouldReconnect(code);
        onClose.onClose(code, reason, again);
        if (!again) {
            CompletableFuture<ServerMessage.Connected> first = firstConnect;
            if (first != null && !first.isDone()) {
                first.completeExceptionally(new IllegalStateException("connection refused: " + code + " " + reason));
            }
            return;
        }
        Duration delay = CloseCode.reconnectImmediately(code) ? backoff.immediate(random) : backoff.delay(attempt++, random);
        events.schedule(this::open, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs on the events thread. */
    private void received(String text) {
        onFrame.accept(text);
        switch (ProtocolCodec.INSTANCE.decodeServer(text)) {
            case DecodeResult.Ok<ServerMessage> ok -> dispatch(ok.message());
            case DecodeResult.Invalid<ServerMessage> invalid ->
                    onError.accept(new IllegalArgumentException("undecodable frame (" + invalid.detail() + "): " + text));
        }
    }

    private void dispatch(ServerMessage message) {
        switch (message) {
            case ServerMessage.Connected connected -> {
                attempt = 0;
                groups.forEach(g -> send(new ClientMessage.Join(g)));
                onConnected.accept(connected);
                firstConnect.complete(connected);
            }
            case ServerMessage.Delivery delivery -> onMessage.accept(delivery);
            case ServerMessage.Pong pong -> {
                CompletableFuture<Duration> waiting = pong.id() == null ? null : pings.remove(pong.id());
                if (waiting != null) {
                    waiting.complete(Duration.ZERO);
                }
            }
            case ServerMessage.Joined j -> onEvent.accept(j);
            case ServerMessage.Left l -> onEvent.accept(l);
            case ServerMessage.ErrorReply e -> onEvent.accept(e);
            case ServerMessage.Resumed r -> onEvent.accept(r);
            case ServerMessage.Refreshed r -> onEvent.accept(r);
            case ServerMessage.Presence p -> onEvent.accept(p);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            synchronized (sendLock) {
                sendChain = CompletableFuture.completedFuture(null);
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                events.execute(() -> received(text));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.execute(() -> ended(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.execute(() -> {
                onError.accept(error);
                ended(1006, String.valueOf(error));
            });
        }
    }

    private static URI withQuery(URI url, String user) {
        if (user == null) {
            return url;
        }
        String param = "user_id=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
        String query = url.getRawQuery() == null ? param : url.getRawQuery() + "&" + param;
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath() + "?" + query);
    }

    /** Builds a {@link WsGridClient}; {@code url} and one of {@code user} or {@code token} are required. */
    public static final class Builder {
        private URI url;
        private String user;
        private String token;
        private String tenant;
        private HttpClient httpClient;
        private ScheduledExecutorService events;
        private Backoff backoff = Backoff.DEFAULT;
        private RandomGenerator random = RandomGenerator.getDefault();
        private boolean reconnect = true;
        private Consumer<ServerMessage.Connected> onConnected = c -> { };
        private Consumer<ServerMessage.Delivery> onMessage = m -> { };
        private Consumer<ServerMessage> onEvent = m -> { };
        private Consumer<String> onFrame = f -> { };
        private CloseHandler onClose = (code, reason, again) -> { };
        private Consumer<Throwable> onError = e -> { };

        private Builder() {
        }

        /** The node or gateway endpoint, e.g. {@code ws://localhost:8080/ws}. */
        public Builder url(URI url) {
            this.url = url;
            return this;
        }

        /** The user id, for nodes with {@code wsgrid.auth.mode=none}. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** A JWT whose {@code sub} is the user; sent as {@code Authorization: Bearer}. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** The tenant (sent as {@code X-Tenant}); the node's default when unset. */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** Backoff between reconnects; {@link Backoff#DEFAULT} unless set. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Whether to reconnect after unexpected closes (default true). */
        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        public Builder onConnected(Consumer<ServerMessage.Connected> handler) {
            this.onConnected = Objects.requireNonNull(handler);
            return this;
        }

        public Builder onMessage(Consumer<ServerMessage.Delivery> handler) {
            this.onMessage = Objects.requireNonNull(handler);
            return this;
        }

        /** Frames other than {@code connected}, {@code message} and {@code pong}: joined, left, error. */
        public Builder onEvent(Consumer<ServerMessage> handler) {
            this.onEvent = Objects.requireNonNull(handler);
            return this;
        }

        /** Every text frame as received, before decoding (for tools that print or forward frames). */
        public Builder onFrame(Consumer<String> handler) {
            this.onFrame = Objects.requireNonNull(handler);
            return this;
        }

        public Builder onClose(CloseHandler handler) {
            this.onClose = Objects.requireNonNull(handler);
            return this;
        }

        public Builder onError(Consumer<Throwable> handler) {
            this.onError = Objects.requireNonNull(handler);
            return this;
        }

        /** The HTTP client to open WebSockets with; one per client by default. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** The thread handlers and reconnect timers run on; tests inject one to control time. */
        public Builder events(ScheduledExecutorService events) {
            this.events = events;
            return this;
        }

        /** The source of jitter; tests inject a seeded one. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        public WsGridClient build() {
            Objects.requireNonNull(url, "url");
            if ((user == null) == (token == null)) {
                throw new IllegalStateException("set exactly one of user or token");
            }
            return new WsGridClient(this);
        }

        private Map<String, String> headers() {
            Map<String, String> h = new java.util.HashMap<>();
            if (token != null) {
                h.put("Authorization", "Bearer " + token);
            }
            if (tenant != null) {
                h.put("X-Tenant", tenant);
            }
            return Map.copyOf(h);
        }
    }
}
