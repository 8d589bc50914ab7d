package io.wsgrid.node.client;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the JavaScript client's own suite ({@code ws-client/js/test}, {@code node --test} against a scripted fake
 * WebSocket: backoff, close-code rules, offsets, resume frame, duplicate drop, join errors). An integration test
 * because it starts a process. Skipped with a message where Node.js (18+) is not installed; the browser suite
 * ({@link JsClientBrowserIT}) covers the client against a real node either way.
 */
class JsClientLogicIT {

    @Test
    void theClientsStateMachineSuitePasses() throws Exception {
        Path node = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, "node"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (node == null) {
            System.err.println("SKIPPED: no `node` on the PATH (apt-get install -y nodejs); the JavaScript client's unit suite needs it");
        }
        Assumptions.assumeTrue(node != null, "Node.js runs ws-client/js/test");
        Path tests = Path.of(System.getProperty("user.dir")).resolveSibling("ws-client").resolve("js").resolve("test");
        assertThat(tests).isDirectory();
        Path output = Files.createTempFile("wsgrid-js-tests", ".txt");
        Process process = new ProcessBuilder(node.toString(), "--test", tests.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String report = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).as("node --test finished in 2 minutes:%n%s", report).isTrue();
        assertThat(process.exitValue()).as("node --test:%n%s", report).isZero();
        assertThat(report).contains("# fail 0").doesNotContain("# pass 0");
        Files.deleteIfExists(output);
    }
}
