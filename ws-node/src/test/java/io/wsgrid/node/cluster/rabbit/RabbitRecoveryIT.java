package io.wsgrid.node.cluster.rabbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.Services;
import io.wsgrid.node.support.Traffic;
import io.wsgrid.node.support.WsClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The RabbitMQ bus reaches the broker only through Spring Boot's {@code spring.rabbitmq.*}: an addresses list whose
 * first entry is dead, and a virtual host of its own. The broker then closes every connection of that virtual host
 * ({@code rabbitmqctl close_all_connections}) under steady traffic, and messages flow again without a node restart.
 * The virtual host also keeps the forced close away from other tests sharing the broker.
 */
class RabbitRecoveryIT {

    @Test
    void nodesReconnectAfterTheBrokerClosesTheirConnections() throws Exception {
        Services.requireRedis();
        Services.requireRabbitMq();
        requireRabbitmqctl();
        String name = Nodes.uniqueName("rabbit-close");
        rabbitmqctl("add_vhost", name);
        try (Nodes nodes = new Nodes()) {
            rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
            List<String> rabbit = List.of("spring.rabbitmq.addresses=127.0.0.1:" + Nodes.freePort() + ",127.0.0.1:5672",
                    "spring.rabbitmq.virtual-host=" + name);
            int a = nodes.start(with(Nodes.clusterProperties("rabbitmq", name, "a"), rabbit));
            int b = nodes.start(with(Nodes.clusterProperties("rabbitmq", name, "b"), rabbit));
            await().atMost(Duration.ofSeconds(20)).until(() -> new Rest(a).get("/actuator/health").status() == 200
                    && new Rest(b).get("/actuator/health").status() == 200);
            assertThat(rabbitmqctl("list_queues", "-p", name, "name")).contains(name + ".a", name + ".b");

            try (WsClient hana = WsClient.connected("ws://127.0.0.1:" + a + "/ws?user_id=hana");
                    Traffic traffic = new Traffic(new Rest(b), "hana")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> hana.receivesWithin(500));
                Set<String> before = connections(name);
                assertThat(before).isNotEmpty();

                rabbitmqctl("close_all_connections", "--vhost", name, "--limit", "1000", "test");

                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    Set<String> now = connections(name);
                    return !now.isEmpty() && now.stream().noneMatch(before::contains);
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> new Rest(a).get("/actuator/health").status() == 200
                        && new Rest(b).get("/actuator/health").status() == 200);
                hana.drainRaw();
                int accepted = traffic.accepted();
                await().atMost(Duration.ofSeconds(20)).until(() -> traffic.accepted() > accepted + 5 && hana.receivesWithin(500));
            }
        }
        finally {
            rabbitmqctl("delete_vhost", name);
        }
    }

    /** Names of the broker's client connections in {@code vhost}. */
    private static Set<String> connections(String vhost) throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        for (String line : rabbitmqctl("list_connections", "--no-table-headers", "vhost", "name").split("\n")) {
            String[] columns = line.split("\t", 2);
            if (columns.length == 2 && columns[0].equals(vhost)) {
                names.add(columns[1]);
            }
        }
        return names;
    }

    private static void requireRabbitmqctl() {
        boolean present = Stream.of("/usr/sbin", "/usr/bin", "/usr/local/sbin").anyMatch(dir -> Files.isExecutable(Path.of(dir, "rabbitmqctl")));
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI must provide rabbitmqctl");
        }
        if (!present) {
            System.err.println("SKIPPED: rabbitmqctl not found; it comes with rabbitmq-server");
        }
        assumeTrue(present, "rabbitmqctl");
    }

    private static String rabbitmqctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "--quiet"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().merge("PATH", ":/usr/sbin:/usr/local/sbin", String::concat);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + output);
        }
        return output;
    }

    private static List<String> with(List<String> base, List<String> extra) {
        List<String> all = new ArrayList<>(base);
        all.addAll(extra);
        return all;
    }
}
