package io.wsgrid.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * What the tests need from this machine: command-line tools that {@code .ci/run} installs in CI, the local Redis,
 * free ports. Outside CI a missing tool or server skips the test with a visible message; with {@code CI=true} it fails.
 */
final class Machine {

    private Machine() {
    }

    /** A tool on the PATH, or a skip (a failure in CI) that says how to get it. */
    static Path tool(String name, String install) {
        Path found = Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst().orElse(null);
        requirePresent(found != null, name + " is not on the PATH (" + install + ")");
        return found;
    }

    /** The local Redis on 127.0.0.1:6379, or a skip (a failure in CI). */
    static void requireRedis() {
        boolean answers;
        try (Socket s = new Socket("127.0.0.1", 6379)) {
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[5];
            answers = s.getInputStream().readNBytes(reply, 0, 5) == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            answers = false;
        }
        requirePresent(answers, "no Redis answers on 127.0.0.1:6379");
    }

    private static void requirePresent(boolean present, String what) {
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + what);
        }
        Assumptions.assumeTrue(present, "SKIPPED: " + what);
    }

    static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** A finished command: its exit status and its output (stdout and stderr together). */
    record Result(int exit, String output) {
    }

    /** Runs a command to completion in {@code dir}; fails when it runs longer than {@code timeout}. */
    static Result run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wsgrid-e2e-cmd", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " ran longer than " + timeout + ": " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Deletes a directory tree this test made; what cannot be deleted is left for the OS's temp cleanup. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }
}
