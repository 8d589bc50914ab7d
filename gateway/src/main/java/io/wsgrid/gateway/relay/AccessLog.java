package io.wsgrid.gateway.relay;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log, on its own logger {@value #LOGGER} so operators can route it (a file, a collector) or switch it off
 * without touching the gateway's other logs: one line per WebSocket session when it ends and one per forwarded API
 * call, as {@code key=value} pairs (logfmt). The relay only counts per connection; a line is formatted once, at the
 * end, and not at all when the logger is off.
 */
final class AccessLog {

    static final String LOGGER = "wsgrid.gateway.access-log";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    /**
     * A relayed session ended. {@code close} is the close code the client was sent (by the node, or injected by the
     * gateway), {@code -} when none was: the client closed before the node's close answer passed, or the connection
     * dropped (only the node-to-client direction is followed for frames). {@code ended_by} is the side that went
     * first: {@code client}, {@code backend} or {@code gateway} (drain, idle timeout, shutdown).
     */
    static void session(ClientConnection c) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info("ws client={} user={} backend={} duration_ms={} bytes_in={} bytes_out={} close={} ended_by={} session={}",
                c.remoteAddress(), value(c.user()), c.backend() == null ? "-" : c.backend().id(),
                System.currentTimeMillis() - c.sinceMillis(), c.bytesIn(), c.bytesOut(), c.closeCode == 0 ? "-" : c.closeCode,
                c.endedBy == null ? "-" : c.endedBy, c.id());
    }

    /** An upgrade the gateway accepted and closed at once (a connection cap): no backend, no bytes. */
    static void rejected(String clientIp, String user, int close) {
        if (log.isInfoEnabled()) {
            log.info("ws client={} user={} backend=- duration_ms=0 bytes_in=0 bytes_out=0 close={} ended_by=gateway", clientIp,
                    value(user), close);
        }
    }

    /** A forwarded {@code /api/v1/**} call was answered (by a node, or by the gateway with 502, 503 or 504). */
    static void api(String clientIp, String method, String path, int status, String backend, long startNanos) {
        if (log.isInfoEnabled()) {
            log.info("api client={} method={} path={} status={} backend={} time_ms={}", clientIp, method, value(path), status,
                    backend == null ? "-" : backend, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
    }

    /** A value as one logfmt token: quoted when it holds spaces, quotes or '=', '-' when absent. */
    static String value(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch <= ' ' || ch == '"' || ch == '=' || ch == '\\') {
                return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
            }
        }
        return s;
    }
}
