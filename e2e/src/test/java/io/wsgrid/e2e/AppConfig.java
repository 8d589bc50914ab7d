package io.wsgrid.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an app really accepts, read from its built jar: every property of its own and its libraries' configuration
 * metadata, and its {@code application.yml}. Used to check that deploy/ sets only settings that exist.
 */
final class AppConfig {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private final Set<String> properties = new HashSet<>();
    private final Set<String> mapProperties = new HashSet<>();
    private final Map<String, Object> applicationYml;
    private JsonNode own;

    private AppConfig(String module) throws IOException {
        Path jar = ROOT.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the build from the root (./mvnw verify)");
        }
        JsonMapper json = JsonMapper.builder().build();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                // Spring Boot's repackaging moves the application's META-INF to the root of the jar.
                if (entry.getName().equals("META-INF/spring-configuration-metadata.json")) {
                    own = json.readTree(zip.getInputStream(entry).readAllBytes());
                    read(own);
                } else if (entry.getName().startsWith("BOOT-INF/lib/") && entry.getName().endsWith(".jar")) {
                    readNested(zip.getInputStream(entry), json);
                }
            }
            applicationYml = new Yaml().load(zip.getInputStream(zip.getEntry("BOOT-INF/classes/application.yml")));
        }
    }

    static AppConfig of(String module) throws IOException {
        return new AppConfig(module);
    }

    private void readNested(InputStream in, JsonMapper json) throws IOException {
        try (ZipInputStream nested = new ZipInputStream(in)) {
            for (ZipEntry e = nested.getNextEntry(); e != null; e = nested.getNextEntry()) {
                if (e.getName().equals("META-INF/spring-configuration-metadata.json")) {
                    read(json.readTree(nested.readAllBytes()));
                }
            }
        }
    }

    private void read(JsonNode metadata) {
        for (JsonNode p : metadata.path("properties")) {
            String name = canonical(p.path("name").asString());
            properties.add(name);
            if (p.path("type").asString().startsWith("java.util.Map")) {
                mapProperties.add(name);
            }
        }
    }

    /** Spring's relaxed binding, reduced to comparable form: lower case, dashes dropped, dots kept. */
    private static String canonical(String property) {
        return property.toLowerCase(Locale.ROOT).replace("-", "").replaceAll("\\[.*?]", "");
    }

    /**
     * Whether an environment variable sets a property this app knows: {@code WSGRID_NODE_SHUTDOWN_DRAINWINDOW} is
     * {@code wsgrid.node.shutdown.drain-window}. Below a map property ({@code WSGRID_ADMIN_APIKEYS_DEFAULT},
     * {@code WSGRID_AUTH_TENANTS_DEFAULT_JWTSECRET}) the rest is the map's key and value, which metadata does not list.
     */
    boolean acceptsEnv(String variable) {
        String property = variable.toLowerCase(Locale.ROOT).replace('_', '.');
        return properties.contains(property) || mapProperties.stream().anyMatch(map -> property.startsWith(map + "."));
    }

    /** The app's own properties ({@code wsgrid.*}) as its configuration metadata describes them, sorted by name. */
    List<JsonNode> ownProperties() {
        List<JsonNode> list = new java.util.ArrayList<>();
        own.path("properties").forEach(list::add);
        list.sort(java.util.Comparator.comparing(p -> p.path("name").asString()));
        return list;
    }

    /** A value of application.yml by dotted path, or null. */
    @SuppressWarnings("unchecked")
    Object yml(String path) {
        Object node = applicationYml;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = ((Map<String, Object>) map).get(key);
        }
        return node;
    }

    /** The members of an Actuator health group as application.yml configures them. */
    String healthGroup(String group) {
        return String.valueOf(yml("management.endpoint.health.group." + group + ".include"));
    }
}
