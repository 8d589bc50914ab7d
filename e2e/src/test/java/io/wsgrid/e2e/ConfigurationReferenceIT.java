package io.wsgrid.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static io.wsgrid.e2e.AppConfig.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} is generated from the apps' configuration metadata (the Javadoc of their
 * {@code @ConfigurationProperties} records), so it cannot drift: regenerate it with
 * {@code ./mvnw verify -pl e2e -Dwsgrid.docs.write=true} after changing a property.
 */
class ConfigurationReferenceIT {

    private static final Path DOC = ROOT.resolve("docs/configuration.md");

    @Test
    void theConfigurationReferenceIsGeneratedFromTheMetadata() throws Exception {
        StringBuilder md = new StringBuilder("""
                # Configuration reference

                Generated from the apps' configuration metadata by `ConfigurationReferenceIT` (do not edit by hand).
                Every property can be set as a command-line argument (`--wsgrid.cluster.bus=redis`), in an
                `application.yml` next to the jar, or as an environment variable (the second column; Spring's relaxed
                binding: upper case, dots to underscores, dashes dropped). Map properties take the key after the name,
                e.g. `wsgrid.auth.tenants.acme.api-key` or `WSGRID_AUTH_TENANTS_ACME_APIKEY`.

                Spring Boot's own settings apply as usual; the ones wsgrid relies on are `server.port` (node 8081,
                gateway admin port 9090), `spring.data.redis.*` (every form: `url`, host and port, credentials, `ssl.bundle`,
                `sentinel.*`, `cluster.nodes`), `spring.ssl.bundle.*` and `spring.rabbitmq.*` (`addresses`, `virtual-host`,
                `ssl.*`); [operations.md](operations.md#connecting-to-redis-and-rabbitmq) shows each form.
                """);
        section(md, "ws-node", AppConfig.of("ws-node"));
        section(md, "gateway", AppConfig.of("gateway"));
        String generated = md.toString();
        if (Boolean.getBoolean("wsgrid.docs.write")) {
            Files.writeString(DOC, generated);
        }
        assertThat(Files.exists(DOC) ? Files.readString(DOC) : "").as("docs/configuration.md is stale: rerun with -Dwsgrid.docs.write=true")
                .isEqualTo(generated);
        assertThat(generated).contains("`wsgrid.cluster.bus`", "`WSGRID_GATEWAY_DNS_NAME`", "`wsgrid.admin.api-keys`");
    }

    private static void section(StringBuilder md, String app, AppConfig config) {
        md.append("\n## ").append(app).append("\n\n| property | environment variable | type | default | description |\n|---|---|---|---|---|\n");
        for (JsonNode p : config.ownProperties()) {
            String name = p.path("name").asString();
            md.append("| `").append(name).append("` | `").append(name.toUpperCase(Locale.ROOT).replace("-", "").replace('.', '_'))
                    .append("` | ").append(type(p.path("type").asString())).append(" | ")
                    .append(p.path("defaultValue").isMissingNode() ? "" : "`" + value(p.path("defaultValue")) + "`").append(" | ")
                    .append(javadoc(p.path("description").asString(""))).append(" |\n");
        }
    }

    private static String value(JsonNode node) {
        return node.isArray() ? String.join(",", node.valueStream().map(JsonNode::asString).toList()) : node.asString();
    }

    /** {@code java.util.Map<java.lang.String,io.wsgrid.node.auth.AuthProperties$Tenant>} reads as {@code Map<String,Tenant>}. */
    private static String type(String type) {
        return type.replaceAll("[a-z0-9_.]+\\.(?=[A-Z])", "").replaceAll("\\w+\\$", "").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String javadoc(String text) {
        return text.replaceAll("\\{@(?:code|link) ([^}]*)}", "`$1`").replace("|", "\\|").replace("\n", " ");
    }
}
