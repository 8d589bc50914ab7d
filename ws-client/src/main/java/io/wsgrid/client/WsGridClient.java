package io.wsgrid.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.wsgrid.common.protocol.ClientMessage;
import io.wsgrid.common.protocol.CloseCode;
import io.wsgrid.common.protocol.DecodeResult;
import io.wsgrid.common.protocol.ProtocolCodec;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.common.protocol.ServerMessage;
import io.wsgrid.common.protocol.StreamPosition;

/**
 * A wsgrid client: one logical connection for one user that survives node restarts, failovers and network blips.
 *
 * <p>After an unexpected close it reconnects with exponential backoff and full jitter ({@link Backoff}); after 1012
 * (service restart: drain or failover) it reconnects at once, spread only by jitter; after 4001 (unauthorized) or a
 * code from 4500 to 4999 it gives up.
 *
 * <p>Recovery: the client tracks the offset and epoch of the last message of its user stream and of every group it
 * joined through {@link #join}. Each reconnect asks to resume ({@code resume=1}) and sends those positions as its
 * first frame; the node joins the groups again and replays what the client missed, then answers which streams it
 * could recover, which the client hands to {@link Builder#onRecovery}. A message whose offset the client already
 * delivered in the same epoch is dropped, so the application never sees a user or group message twice. Broadcasts
 * carry no offset and are neither recovered nor deduplicated.
 *
 * <p>Tokens: with {@link Builder#tokenSupplier} the supplier is asked for a token on every (re)connect, and, when the
 * token is a JWT with {@code exp}, again shortly before it expires, to extend the live session with a {@code refresh}
 * frame. After a 4001 close (token refused) the client does not reconnect.
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
 * client.join("news");
 * client.connect().join();
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
    private final Supplier<? extends CompletionStage<String>> tokens;
    private final Duration refreshAhead;
    private final InstantSource clock;
    private final HttpClient http;
    private final ScheduledExecutorService events;
    private final boolean ownsEvents;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final boolean reconnect;
    private final Consumer<ServerMessage.Connected> onConnected;
    private final Consumer<ServerMessage.Delivery> onMessage;
    private final Consumer<ServerMessage> onEvent;
    private final Consumer<StreamRecovery> onRecovery;
    private final Consumer<String> onFrame;
    private final CloseHandler onClose;
    private final Consumer<Throwable> onError;

    private final Streams streams = new Streams();
    private final Map<String, CompletableFuture<Duration>> pings = new ConcurrentHashMap<>();
    private final AtomicLong pingIds = new AtomicLong();
    private final Object sendLock = new Object();

    private volatile WebSocket socket;
    /** True from the {@code connected} frame until the session ends: application frames may go out. */
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile CompletableFuture<ServerMessage.Connected> firstConnect;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

    // Confined to the events thread.
    private int attempt;
    private boolean connectedOnce;
    private boolean attemptResumes;
    private long sessionExp;
    private ScheduledFuture<?> refreshTask;

    private WsGridClient(Builder b) {
        this.url = withQuery(b.url, b.user == null ? null : "user_id=" + URLEncoder.encode(b.user, StandardCharsets.UTF_8));
        this.headers = b.headers();
        this.tokens = b.tokens;
        this.refreshAhead = b.refreshes ? b.refreshAhead : Duration.ZERO;
        this.clock = b.clock;
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
        this.onRecovery = b.onRecovery;
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

    /**
     * Joins a group now (when connected) and keeps it joined: every reconnect resumes it from the last message seen.
     * Groups added before {@link #connect} are joined when the session opens.
     */
    public CompletableFuture<Void> join(String group) {
        streams.add(Objects.requireNonNull(group, "group"));
        return whenReady(new ClientMessage.Join(group));
    }

    /** Leaves a group and stops rejoining it. */
    public CompletableFuture<Void> leave(String group) {
        streams.remove(group);
        return whenReady(new ClientMessage.Leave(group));
    }

    /**
     * Sends a membership change from the events thread, so it is ordered with the {@code connected} handling: a session
     * that opens before it sees the change in its resume or joins, and one open already gets the frame (never before
     * the resume frame). Nothing is sent while disconnected: the next session picks the change up.
     */
    private CompletableFuture<Void> whenReady(ClientMessage message) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            events.execute(() -> (ready ? send(message) : CompletableFuture.<Void>completedFuture(null))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        }
                        else {
                            result.complete(null);
                        }
                    }));
        }
        catch (java.util.concurrent.RejectedExecutionException closedAlready) {
            result.complete(null);
        }
        return result;
    }

    /** Publishes to a group this client joined; fails when not connected (nothing is buffered across reconnects). */
    public CompletableFuture<Void> publish(String group, RawJson data) {
        return sendReady(new ClientMessage.Publish(group, data));
    }

    /** Sends to every session of {@code user}; fails when not connected. */
    public CompletableFuture<Void> send(String user, RawJson data) {
        return sendReady(new ClientMessage.Send(user, data));
    }

    /** An application-level ping; completes with the round-trip time when the pong arrives. */
    public CompletableFuture<Duration> ping() {
        String id = Long.toString(pingIds.incrementAndGet());
        CompletableFuture<Duration> result = new CompletableFuture<>();
        long start = System.nanoTime();
        pings.put(id, result);
        sendReady(new ClientMessage.Ping(id)).whenComplete((v, e) -> {
            if (e != null) {
                pings.remove(id);
                result.completeExceptionally(e);
            }
        });
        return result.thenApply(ignored -> Duration.ofNanos(System.nanoTime() - start));
    }

    /** Whether a session is open right now. */
    public boolean isConnected() {
        return ready;
    }

    /** The groups this client keeps joined. */
    public Set<String> groups() {
        return streams.groups();
    }

    /** Where the next resume starts in the user stream: the last message seen or the top told; null before any. */
    public StreamPosition userPosition() {
        return streams.userPosition();
    }

    /** Where the next resume starts in each joined group's stream (groups with no position yet are absent). */
    public Map<String, StreamPosition> groupPositions() {
        return streams.groupPositions();
    }

    /** User and group messages dropped because their offset had been delivered already. */
    public long duplicatesDropped() {
        return streams.duplicatesDropped();
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
            events.shutdownNow();
        }
    }

    private CompletableFuture<Void> sendReady(ClientMessage message) {
        return ready ? send(message) : CompletableFuture.failedFuture(new IllegalStateException("not connected"));
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

    /** Runs on the events thread: asks for a token (when one is used), then opens a session. */
    private void open() {
        if (closed) {
            return;
        }
        CompletionStage<String> token;
        try {
            token = tokens == null ? CompletableFuture.completedFuture(null) : tokens.get();
        }
        catch (RuntimeException e) {
            token = CompletableFuture.failedFuture(e);
        }
        token.whenComplete((t, error) -> events.execute(() -> {
            if (error != null || tokens != null && t == null) {
                Throwable cause = error != null ? error : new IllegalStateException("the token supplier returned null");
                onError.accept(cause);
                ended(1006, "no token: " + cause);
                return;
            }
            openWith(t);
        }));
    }

    private void openWith(String token) {
        if (closed) {
            return;
        }
        attemptResumes = connectedOnce && streams.canResume();
        sessionExp = token == null ? 0 : TokenExpiry.of(token).orElse(0);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        builder.buildAsync(attemptResumes ? withQuery(url, "resume=1") : url, new Listener()).whenComplete((ws, error) -> {
            if (error != null) {
                events.execute(() -> ended(1006, String.valueOf(error.getCause() != null ? error.getCause() : error)));
            }
        });
    }

    /** Runs on the events thread. */
    private void ended(int code, String reason) {
        socket = null;
        ready = false;
        streams.sessionEnded();
        cancelRefresh();
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

    /** An exception thrown by a handler goes to the error handler instead of vanishing in the executor. */
    private void guarded(Runnable task) {
        try {
            task.run();
        }
        catch (RuntimeException | Error e) {
            onError.accept(e);
        }
    }

    /** Runs on the events thread. */
    private void received(String text) {
        switch (ProtocolCodec.INSTANCE.decodeServer(text)) {
            case DecodeResult.Ok<ServerMessage> ok -> {
                if (ok.message() instanceof ServerMessage.Delivery d && !streams.accept(d)) {
                    return;
                }
                onFrame.accept(text);
                dispatch(ok.message());
            }
            case DecodeResult.Invalid<ServerMessage> invalid -> {
                onFrame.accept(text);
                onError.accept(new IllegalArgumentException("undecodable frame (" + invalid.detail() + "): " + text));
            }
        }
    }

    private void dispatch(ServerMessage message) {
        switch (message) {
            case ServerMessage.Connected connected -> connected(connected);
            case ServerMessage.Delivery delivery -> onMessage.accept(delivery);
            case ServerMessage.Pong pong -> {
                CompletableFuture<Duration> waiting = pong.id() == null ? null : pings.remove(pong.id());
                if (waiting != null) {
                    waiting.complete(Duration.ZERO);
                }
            }
            case ServerMessage.Joined j -> {
                streams.joined(j);
                onEvent.accept(j);
            }
            case ServerMessage.Resumed r -> onRecovery.accept(streams.resumed(r));
            case ServerMessage.Refreshed r -> {
                sessionExp = r.exp();
                scheduleRefresh();
                onEvent.accept(r);
            }
            case ServerMessage.Left l -> onEvent.accept(l);
            case ServerMessage.Presence p -> onEvent.accept(p);
            case ServerMessage.ErrorReply e -> onEvent.accept(e);
        }
    }

    private void connected(ServerMessage.Connected connected) {
        attempt = 0;
        connectedOnce = true;
        if (attemptResumes && connected.top() != null) {
            // The resume must be the session's first frame: it rejoins the groups, so no joins go with it.
            send(streams.startResume(connected.top()));
            ready = true;
        }
        else {
            streams.connected(connected.top());
            ready = true;
            streams.groups().forEach(g -> send(new ClientMessage.Join(g)));
        }
        scheduleRefresh();
        onConnected.accept(connected);
        firstConnect.complete(connected);
    }

    /** Runs on the events thread: plans the next token refresh from the session's expiry. */
    private void scheduleRefresh() {
        cancelRefresh();
        if (refreshAhead.isZero() || sessionExp <= 0 || !ready) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), Instant.ofEpochSecond(sessionExp)).minus(refreshAhead);
        refreshTask = events.schedule(this::refresh, Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
    }

    private void cancelRefresh() {
        if (refreshTask != null) {
            refreshTask.cancel(false);
            refreshTask = null;
        }
    }

    private void refresh() {
        if (!ready) {
            return;
        }
        long expiring = sessionExp;
        CompletionStage<String> token;
        try {
            token = tokens.get();
        }
        catch (RuntimeException e) {
            token = CompletableFuture.failedFuture(e);
        }
        token.whenComplete((t, error) -> events.execute(() -> {
            if (!ready || expiring != sessionExp) {
                return;
            }
            if (error != null || t == null) {
                onError.accept(new IllegalStateException("token refresh failed; the session ends when its token expires", error));
                return;
            }
            long exp = TokenExpiry.of(t).orElse(Long.MAX_VALUE);
            if (exp <= expiring) {
                // Sending it would change nothing and, with the same expiry, ask again at once.
                onError.accept(new IllegalStateException("the token supplier gave no token expiring after " + Instant.ofEpochSecond(expiring)));
                return;
            }
            send(new ClientMessage.Refresh(t));
        }));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            synchronized (sendLock) {
                sendChain = CompletableFuture.completedFuture(null);
            }
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                events.execute(() -> guarded(() -> received(text)));
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

    private static URI withQuery(URI url, String param) {
        if (param == null) {
            return url;
        }
        String query = url.getRawQuery() == null ? param : url.getRawQuery() + "&" + param;
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath() + "?" + query);
    }

    /** Builds a {@link WsGridClient}; {@code url} and one of {@code user}, {@code token} or a token supplier are required. */
    public static final class Builder {
        private URI url;
        private String user;
        private Supplier<? extends CompletionStage<String>> tokens;
        private boolean refreshes;
        private Duration refreshAhead = Duration.ofSeconds(30);
        private InstantSource clock = InstantSource.system();
        private String tenant;
        private HttpClient httpClient;
        private ScheduledExecutorService events;
        private Backoff backoff = Backoff.DEFAULT;
        private RandomGenerator random = RandomGenerator.getDefault();
        private boolean reconnect = true;
        private Consumer<ServerMessage.Connected> onConnected = c -> { };
        private Consumer<ServerMessage.Delivery> onMessage = m -> { };
        private Consumer<ServerMessage> onEvent = m -> { };
        private Consumer<StreamRecovery> onRecovery = r -> { };
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

        /** A fixed JWT whose {@code sub} is the user; sent as {@code Authorization: Bearer}. It is never refreshed. */
        public Builder token(String token) {
            Objects.requireNonNull(token, "token");
            this.tokens = () -> CompletableFuture.completedFuture(token);
            this.refreshes = false;
            return this;
        }

        /**
         * Where JWTs come from: asked on every (re)connect and, when the token has an {@code exp}, {@link #refreshAhead}
         * before it expires. Called on the client's thread, so it should answer quickly (a cached token); use
         * {@link #tokenSource} when getting one means a network call.
         */
        public Builder tokenSupplier(Supplier<String> supplier) {
            Objects.requireNonNull(supplier, "supplier");
            return tokenSource(() -> CompletableFuture.completedFuture(supplier.get()));
        }

        /** Like {@link #tokenSupplier}, for suppliers that fetch tokens asynchronously. */
        public Builder tokenSource(Supplier<? extends CompletionStage<String>> source) {
            this.tokens = Objects.requireNonNull(source, "source");
            this.refreshes = true;
            return this;
        }

        /**
         * How long before a supplied token's {@code exp} a fresh one is sent with a {@code refresh} frame (default
         * 30 s); {@link Duration#ZERO} turns refreshing off, and the node then closes the session with 4001 at expiry.
         */
        public Builder refreshAhead(Duration refreshAhead) {
            if (refreshAhead.isNegative()) {
                throw new IllegalArgumentException("refreshAhead must not be negative");
            }
            this.refreshAhead = refreshAhead;
            return this;
        }

        /** The clock token expiries are compared with; tests inject one. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock);
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

        /** User, group and broadcast messages, each at most once (duplicates of a stream offset are dropped). */
        public Builder onMessage(Consumer<ServerMessage.Delivery> handler) {
            this.onMessage = Objects.requireNonNull(handler);
            return this;
        }

        /** Frames other than {@code connected}, {@code message}, {@code pong} and {@code resumed}: joined, left, refreshed, presence, error. */
        public Builder onEvent(Consumer<ServerMessage> handler) {
            this.onEvent = Objects.requireNonNull(handler);
            return this;
        }

        /** After each reconnect that resumed: which streams were recovered and which lost messages. */
        public Builder onRecovery(Consumer<StreamRecovery> handler) {
            this.onRecovery = Objects.requireNonNull(handler);
            return this;
        }

        /** Every text frame as received (for tools that print or forward frames), except duplicate messages it drops. */
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

        /** The thread handlers, reconnect and refresh timers run on; must run one task at a time. Tests inject one. */
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
            if ((user == null) == (tokens == null)) {
                throw new IllegalStateException("set exactly one of user or token (or a token supplier)");
            }
            return new WsGridClient(this);
        }

        private Map<String, String> headers() {
            return tenant == null ? Map.of() : Map.of("X-Tenant", tenant);
        }
    }
}
