package io.wsgrid.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static io.wsgrid.e2e.AppConfig.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/ checked without Docker or a cluster: every manifest parses as Kubernetes objects, both overlays render
 * ({@code kubectl kustomize}), and ports, probe paths and environment names match what the built apps accept.
 */
class DeployIT {

    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Map<String, String> API_VERSIONS = Map.ofEntries(Map.entry("Deployment", "apps/v1"),
            Map.entry("Service", "v1"), Map.entry("ConfigMap", "v1"), Map.entry("Secret", "v1"), Map.entry("Namespace", "v1"),
            Map.entry("PodDisruptionBudget", "policy/v1"), Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
            Map.entry("ServiceMonitor", "monitoring.coreos.com/v1"), Map.entry("Kustomization", "kustomize.config.k8s.io/v1beta1"));
    /** Variables of the JVM or the image rather than of Spring. */
    private static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS");

    static AppConfig node;
    static AppConfig gateway;

    @BeforeAll
    static void readApps() throws IOException {
        node = AppConfig.of("ws-node");
        gateway = AppConfig.of("gateway");
    }

    @Test
    void everyManifestParsesAsKubernetesObjects() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DEPLOY.resolve("k8s"))) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(10);
        for (Path file : files) {
            for (Map<String, Object> doc : documents(Files.readString(file))) {
                String kind = String.valueOf(doc.get("kind"));
                String where = DEPLOY.relativize(file) + " " + kind;
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    assertThat(doc.get("apiVersion")).as(where).isEqualTo(API_VERSIONS.get("Kustomization"));
                    continue;
                }
                assertThat(API_VERSIONS).as(where + ": a kind this project uses").containsKey(kind);
                assertThat(doc.get("apiVersion")).as(where).isEqualTo(API_VERSIONS.get(kind));
                assertThat(map(doc, "metadata").get("name")).as(where + " metadata.name").asString().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theOverlayRendersAndMatchesTheApps(String overlay) throws Exception {
        List<Map<String, Object>> objects = documents(kustomize(DEPLOY.resolve("k8s/overlays/" + overlay)));
        Map<String, Object> nodeDeployment = find(objects, "Deployment", "ws-node");
        Map<String, Object> gatewayDeployment = find(objects, "Deployment", "gateway");
        Map<String, Object> config = find(objects, "ConfigMap", "wsgrid-config");
        Map<String, String> settings = strings(map(config, "data"));
        String namespace = String.valueOf(map(nodeDeployment, "metadata").get("namespace"));
        assertThat(namespace).isEqualTo(overlay.equals("dev") ? "wsgrid-dev" : "wsgrid");
        assertThat(objects).allSatisfy(o -> assertThat(map(o, "metadata").get("namespace")).as(o.get("kind") + " namespace")
                .isIn(namespace, null));

        // Ports and probes: the node serves everything on server.port; the gateway's admin port has the probes.
        int nodePort = (Integer) node.yml("server.port");
        int adminPort = (Integer) gateway.yml("server.port");
        Map<String, Object> nodeContainer = container(nodeDeployment);
        Map<String, Object> gatewayContainer = container(gatewayDeployment);
        assertThat(ports(nodeContainer)).containsEntry("http", nodePort);
        assertThat(ports(gatewayContainer)).containsEntry("admin", adminPort).containsEntry("ws", 8080);
        assertThat(env(gatewayContainer)).containsEntry("SERVER_PORT", "" + adminPort).containsEntry("WSGRID_GATEWAY_PORT", "8080");
        assertThat(env(nodeContainer)).containsEntry("SERVER_PORT", "" + nodePort);
        for (var c : List.of(Map.entry(nodeContainer, node), Map.entry(gatewayContainer, gateway))) {
            assertThat(c.getValue().yml("management.endpoint.health.probes.enabled")).isEqualTo(true);
            assertThat(c.getValue().healthGroup("readiness")).contains("readinessState");
            assertThat(probe(c.getKey(), "readinessProbe")).isEqualTo("/actuator/health/readiness");
            assertThat(probe(c.getKey(), "livenessProbe")).isEqualTo("/actuator/health/liveness");
            assertThat(ports(c.getKey())).containsKey(String.valueOf(map(map(c.getKey(), "readinessProbe"), "httpGet").get("port")));
        }

        // Every variable set on a container, from the ConfigMap, the Secret or env, is a real setting of that app.
        Map<String, String> secrets = strings(map(find(objects, "Secret", "wsgrid-secrets"), "stringData"));
        for (var c : List.of(Map.entry(nodeContainer, node), Map.entry(gatewayContainer, gateway))) {
            List<String> names = new ArrayList<>(env(c.getKey()).keySet());
            for (Map<String, Object> from : list(c.getKey().get("envFrom"))) {
                if (from.containsKey("configMapRef")) {
                    assertThat(map(from, "configMapRef").get("name")).isEqualTo("wsgrid-config");
                }
                if (from.containsKey("secretRef")) {
                    assertThat(map(from, "secretRef").get("name")).isEqualTo("wsgrid-secrets");
                }
            }
            names.addAll(settings.keySet());
            names.addAll(secrets.keySet());
            assertThat(names.stream().filter(n -> !NOT_SPRING.contains(n))
                    .filter(n -> !node.acceptsEnv(n) && !gateway.acceptsEnv(n)).toList())
                    .as("variables no app reads (typos?)").isEmpty();
        }
        assertThat(node.acceptsEnv("WSGRID_NODE_SHUTDOWN_DRAINWINDOW")).isTrue();
        assertThat(node.acceptsEnv("WSGRID_NODE_SHUTDOWN_DRAINWINDOWS")).isFalse();

        // Graceful shutdown fits in the grace period: preStop, then readiness delay and drain window.
        Map<String, Object> nodePod = map(map(nodeDeployment, "spec"), "template");
        long grace = ((Number) map(nodePod, "spec").get("terminationGracePeriodSeconds")).longValue();
        long preStop = ((Number) map(map(map(nodeContainer, "lifecycle"), "preStop"), "sleep").get("seconds")).longValue();
        long drain = seconds(settings.get("WSGRID_NODE_SHUTDOWN_READINESSDELAY")) + seconds(settings.get("WSGRID_NODE_SHUTDOWN_DRAINWINDOW"));
        assertThat(preStop + drain).as("preStop + readiness delay + drain window").isLessThan(grace);
        assertThat(seconds(settings.get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE"))).isGreaterThan(drain);

        // The gateway discovers nodes through the headless Service.
        Map<String, Object> headless = find(objects, "Service", settings.get("WSGRID_GATEWAY_DNS_NAME"));
        assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
        assertThat(strings(map(map(headless, "spec"), "selector"))).isEqualTo(podLabels(nodeDeployment));
        assertThat(Integer.parseInt(settings.get("WSGRID_GATEWAY_DNS_PORT"))).isEqualTo(nodePort);

        // Budgets and autoscalers point at real workloads.
        for (Map<String, Object> pdb : ofKind(objects, "PodDisruptionBudget")) {
            Map<String, String> selector = strings(map(map(map(pdb, "spec"), "selector"), "matchLabels"));
            assertThat(ofKind(objects, "Deployment")).anySatisfy(d -> assertThat(podLabels(d)).containsAllEntriesOf(selector));
        }
        for (Map<String, Object> hpa : ofKind(objects, "HorizontalPodAutoscaler")) {
            find(objects, "Deployment", String.valueOf(map(map(hpa, "spec"), "scaleTargetRef").get("name")));
        }
        for (Map<String, Object> d : ofKind(objects, "Deployment")) {
            Map<String, Object> resources = map(container(d), "resources");
            assertThat(resources).as(map(d, "metadata").get("name") + " resources").containsKeys("requests", "limits");
        }

        if (overlay.equals("dev")) {
            // Redis and RabbitMQ run in the namespace, under the names the settings use.
            find(objects, "Service", settings.get("SPRING_DATA_REDIS_HOST"));
            find(objects, "Service", settings.get("SPRING_RABBITMQ_HOST"));
            assertThat(settings).containsEntry("WSGRID_AUTH_MODE", "none");
        } else {
            for (Map<String, Object> monitor : ofKind(objects, "ServiceMonitor")) {
                Map<String, String> selector = strings(map(map(map(monitor, "spec"), "selector"), "matchLabels"));
                Map<String, Object> endpoint = list(map(monitor, "spec").get("endpoints")).getFirst();
                assertThat(endpoint.get("path")).isEqualTo("/actuator/prometheus");
                assertThat(ofKind(objects, "Service")).anySatisfy(s -> {
                    assertThat(strings(map(map(s, "metadata"), "labels"))).containsAllEntriesOf(selector);
                    assertThat(list(map(s, "spec").get("ports"))).anySatisfy(p -> assertThat(p.get("name")).isEqualTo(endpoint.get("port")));
                });
            }
            assertThat(ofKind(objects, "ServiceMonitor")).hasSize(2);
        }
    }

    @Test
    void composeRunsTheWholeStackOnTheAppsRealPorts() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
        Map<String, Object> services = map(compose, "services");
        assertThat(services).containsKeys("redis", "rabbitmq", "node1", "node2", "node3", "gateway", "prometheus", "grafana");
        int nodePort = (Integer) node.yml("server.port");
        for (String n : List.of("node1", "node2", "node3")) {
            Map<String, String> env = strings(map(map(services, n), "environment"));
            assertThat(env).containsEntry("SERVER_PORT", "" + nodePort).containsEntry("WSGRID_NODE_ID", n)
                    .containsEntry("WSGRID_CLUSTER_BUS", "redis").containsEntry("SPRING_DATA_REDIS_HOST", "redis");
            assertThat(env.keySet()).allSatisfy(v -> assertThat(node.acceptsEnv(v)).as(n + " " + v).isTrue());
            assertThat((List<?>) map(services, n).get("ports")).singleElement().asString().endsWith(":" + nodePort);
        }
        Map<String, String> gatewayEnv = strings(map(map(services, "gateway"), "environment"));
        assertThat(gatewayEnv.keySet()).allSatisfy(v -> assertThat(gateway.acceptsEnv(v)).as("gateway " + v).isTrue());
        assertThat(gatewayEnv.get("WSGRID_GATEWAY_BACKENDS")).isEqualTo("http://node1:%1$d,http://node2:%1$d,http://node3:%1$d".formatted(nodePort));
        assertThat(((List<?>) map(services, "gateway").get("ports")).stream().map(String::valueOf).toList())
                .containsExactly("8080:8080", gateway.yml("server.port") + ":" + gateway.yml("server.port"));

        // Prometheus scrapes exactly these services, and Grafana's mounts exist.
        Map<String, Object> prometheus = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
        List<String> targets = list(prometheus.get("scrape_configs")).stream()
                .flatMap(c -> list(c.get("static_configs")).stream()).flatMap(s -> ((List<?>) s.get("targets")).stream())
                .map(String::valueOf).toList();
        assertThat(targets).containsExactlyInAnyOrder("node1:" + nodePort, "node2:" + nodePort, "node3:" + nodePort,
                "gateway:" + gateway.yml("server.port"));
        for (String service : List.of("prometheus", "grafana")) {
            for (Object volume : (List<?>) map(services, service).get("volumes")) {
                String source = String.valueOf(volume).split(":")[0];
                assertThat(DEPLOY.resolve(source)).as(service + " mounts " + source).exists();
            }
        }
    }

    @Test
    void theDockerfileBuildsLayeredImagesThatRunAsNonRoot() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^FROM \\S+ AS build$").containsPattern("(?m)^FROM eclipse-temurin:\\$\\{JAVA_VERSION}-jre$")
                .contains("-Djarmode=tools", "extract --layers")
                .containsPattern("(?m)^USER 10001:10001$")
                // started from the JDK AOT cache its training run recorded, which needs the plain -jar class path
                .contains("-XX:AOTCacheOutput=app.aot", "\"-XX:AOTCache=app.aot\", \"-jar\", \"app.jar\"");
        for (String line : dockerfile.lines().filter(l -> l.startsWith("COPY ") && !l.contains("--from")).toList()) {
            String source = line.split("\\s+")[1];
            for (String each : source.split(" ")) {
                assertThat(ROOT.resolve(each)).as(line).exists();
            }
        }
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
        assertThat(ignored).contains("**/target/", ".git/");
    }

    private static String kustomize(Path dir) throws Exception {
        boolean present = Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "kubectl")));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but kubectl (with its built-in kustomize) is not on the PATH");
        }
        Assumptions.assumeTrue(present, "SKIPPED: kubectl is not installed; the overlays cannot be rendered here");
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize " + dir + ": " + err).isZero();
        return out;
    }

    private static long seconds(String duration) {
        return Duration.parse("PT" + duration.toUpperCase()).toSeconds();
    }

    private static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                docs.add(map(Map.of("doc", doc), "doc"));
            }
        }
        return docs;
    }

    private static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    private static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
        return ofKind(objects, kind).stream().filter(o -> Objects.equals(map(o, "metadata").get("name"), name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        return list(map(map(map(deployment, "spec"), "template"), "spec").get("containers")).getFirst();
    }

    private static Map<String, String> podLabels(Map<String, Object> deployment) {
        return strings(map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels"));
    }

    private static Map<String, Integer> ports(Map<String, Object> container) {
        Map<String, Integer> ports = new java.util.HashMap<>();
        list(container.get("ports")).forEach(p -> ports.put(String.valueOf(p.get("name")), (Integer) p.get("containerPort")));
        return ports;
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new java.util.HashMap<>();
        list(container.get("env")).forEach(e -> env.put(String.valueOf(e.get("name")), e.get("value") == null ? "" : String.valueOf(e.get("value"))));
        return env;
    }

    private static String probe(Map<String, Object> container, String probe) {
        return String.valueOf(map(map(container, probe), "httpGet").get("path"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> out = new java.util.TreeMap<>();
        map.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }
}
