package io.wsgrid.node.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Private Redis deployments started from the {@code redis-server} binary on free ports, each in its own temporary
 * directory: standalone with a password, TLS-only with a certificate made by {@code openssl}, a Redis Cluster
 * ({@code redis-cli --cluster create}), and a primary with a replica watched by three Sentinels. Nothing is persisted;
 * {@link #close()} kills every process and deletes the directory.
 *
 * <p>Without the binaries the test is skipped with a message, except in CI ({@code CI=true}) where it fails.
 */
public final class RedisServers implements AutoCloseable {

    public static final String SENTINEL_MASTER = "wsgrid";

    private static final Duration START = Duration.ofSeconds(20);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    private RedisServers(Path dir) {
        this.dir = dir;
    }

    /** A fresh set; skips the test (or fails it in CI) when {@code redis-server}, {@code redis-cli} or {@code openssl} is missing. */
    public static RedisServers create() throws IOException {
        List<String> missing = Stream.of("redis-server", "redis-cli", "openssl").filter(tool -> !onPath(tool)).toList();
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!missing.isEmpty() && ci) {
            throw new IllegalStateException("CI must provide " + missing);
        }
        if (!missing.isEmpty()) {
            System.err.println("SKIPPED: " + missing + " not found; install redis-server, redis-tools and openssl");
        }
        assumeTrue(missing.isEmpty(), "redis-server, redis-cli and openssl on the PATH");
        return new RedisServers(Files.createTempDirectory("wsgrid-redis-"));
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .anyMatch(p -> Files.isExecutable(Path.of(p, tool)));
    }

    /** A standalone Redis that requires {@code password}; returns its port. */
    public int withPassword(String password) throws IOException {
        int port = Nodes.freePort();
        start("password-" + port, List.of("--port", Integer.toString(port), "--requirepass", password));
        return port;
    }

    /** A Redis that speaks TLS only (its plain port is off), with a self-signed certificate for 127.0.0.1. */
    public Tls tlsOnly() throws IOException, InterruptedException {
        Path key = dir.resolve("tls-key.pem");
        Path cert = dir.resolve("tls-cert.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString()));
        int port = Nodes.freePort();
        start("tls-" + port, List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no"));
        return new Tls(port, cert);
    }

    /** @param certificate the PEM certificate clients must trust (self-signed, so it is its own CA). */
    public record Tls(int port, Path certificate) {
    }

    /** A Redis Cluster of {@code masters} primaries (no replicas), every slot assigned; returns their ports. */
    public List<Integer> cluster(int masters) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < masters; i++) {
            int port = Nodes.freePort();
            start("cluster-" + port, List.of("--port", Integer.toString(port), "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
            ports.add(port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> create.add("127.0.0.1:" + p));
        create.add("--cluster-yes");
        run(create);
        for (int port : ports) {
            await("cluster state ok on " + port).atMost(START).pollInterval(Duration.ofMillis(200))
                    .until(() -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
        return ports;
    }

    /** A primary, one replica in sync with it, and three Sentinels that know both and each other. */
    public Sentinels sentinels() throws IOException, InterruptedException {
        int primary = Nodes.freePort();
        start("primary-" + primary, List.of("--port", Integer.toString(primary)));
        int replica = Nodes.freePort();
        start("replica-" + replica, List.of("--port", Integer.toString(replica), "--replicaof", "127.0.0.1", Integer.toString(primary)));
        await("replica in sync").atMost(START).pollInterval(Duration.ofMillis(200))
                .until(() -> cli(replica, "INFO", "replication").contains("master_link_status:up"));
        List<Integer> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = Nodes.freePort();
            Path home = Files.createDirectories(dir.resolve("sentinel-" + port));
            Path config = home.resolve("sentinel.conf");
            // Sentinel rewrites its config file as it learns the topology, so each needs its own writable copy.
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "dir " + home,
                    "sentinel monitor " + SENTINEL_MASTER + " 127.0.0.1 " + primary + " 2",
                    "sentinel down-after-milliseconds " + SENTINEL_MASTER + " 1000",
                    "sentinel failover-timeout " + SENTINEL_MASTER + " 10000",
                    "sentinel parallel-syncs " + SENTINEL_MASTER + " 1", ""));
            launch("sentinel-" + port, home, List.of("redis-server", config.toString(), "--sentinel"));
            sentinels.add(port);
        }
        for (int port : sentinels) {
            await("sentinel " + port + " sees the replica and the other sentinels").atMost(START).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        String master = cli(port, "SENTINEL", "MASTER", SENTINEL_MASTER);
                        return master.contains("num-slaves\n1\n") && master.contains("num-other-sentinels\n2\n");
                    });
        }
        return new Sentinels(primary, replica, sentinels);
    }

    /** @param primary the port of the primary at start; after a failover {@link #currentPrimary()} says which. */
    public record Sentinels(int primary, int replica, List<Integer> sentinels) {

        /** The {@code spring.data.redis.sentinel.nodes} value. */
        public String nodes() {
            return String.join(",", sentinels.stream().map(p -> "127.0.0.1:" + p).toList());
        }

        /** The primary's port as the first Sentinel reports it. */
        public int currentPrimary() throws IOException, InterruptedException {
            String[] answer = cli(sentinels.getFirst(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SENTINEL_MASTER).strip().split("\n");
            return Integer.parseInt(answer[answer.length - 1].strip());
        }

        /** Asks a Sentinel to fail the primary over to the replica, and waits until every Sentinel names the new one. */
        public void failover() throws IOException, InterruptedException {
            int before = currentPrimary();
            cli(sentinels.getFirst(), "SENTINEL", "FAILOVER", SENTINEL_MASTER);
            for (int port : sentinels) {
                await("sentinel " + port + " names the new primary").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            String[] answer = cli(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SENTINEL_MASTER).strip().split("\n");
                            return Integer.parseInt(answer[answer.length - 1].strip()) != before;
                        });
            }
        }
    }

    /** Runs {@code redis-cli -p port args...} and returns its output (plain port only). */
    public static String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command);
    }

    private void start(String name, List<String> args) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        List<String> command = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", home.toString()));
        command.addAll(args);
        launch(name, home, command);
    }

    private void launch(String name, Path home, List<String> command) throws IOException {
        Path log = home.resolve("redis.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        await(name + " ready").atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + Files.readString(log));
            }
            String text = Files.readString(log);
            return text.contains("Ready to accept connections") || text.contains("+monitor master");
        });
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
