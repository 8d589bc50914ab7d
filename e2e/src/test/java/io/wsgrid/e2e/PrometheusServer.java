package io.wsgrid.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus ({@code prometheus} from the Debian package, installed by .ci/run) on a free loopback port, with
 * its configuration and TSDB in a directory of its own that {@link #close()} removes.
 */
final class PrometheusServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path dir;
    private final String base;

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts Prometheus with {@code config} as its prometheus.yml and waits until it is ready. */
    static PrometheusServer start(Path binary, String config) throws IOException {
        Path dir = Files.createTempDirectory("wsgrid-prometheus");
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = Machine.freePorts(1)[0];
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(process, dir, port);
        try {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> !process.isAlive() || server.get("/-/ready").statusCode() == 200);
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + server.log());
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * The result of an instant query ({@code /api/v1/query}): one element per series. A query Prometheus refuses
     * (bad syntax, unknown function) fails with Prometheus's error rather than looking empty.
     */
    List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<JsonNode> series = new ArrayList<>();
        data.path("result").forEach(series::add);
        return series;
    }

    /** {@code /api/v1/<path>}'s data: {@code rules}, {@code alerts}, {@code targets}, ... */
    JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        JsonNode body = JSON.readTree(response.body());
        if (!body.path("status").asString().equals("success")) {
            throw new IllegalStateException("Prometheus refused " + path + ": " + body.path("errorType").asString() + ": "
                    + body.path("error").asString());
        }
        return body.path("data");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Prometheus's own log, for failure messages. */
    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM (Prometheus shuts its TSDB down cleanly), SIGKILL when it hangs; then removes its directory. */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Machine.deleteTree(dir);
    }
}
