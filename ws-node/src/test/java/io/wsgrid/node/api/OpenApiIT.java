package io.wsgrid.node.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.node.support.Rest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI description served at {@code /v3/api-docs} lists the REST contract, and {@code docs/openapi.json} is
 * that same description: regenerate it with {@code ./mvnw -pl ws-node verify -Dwsgrid.docs.write=true}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsgrid.auth.mode=none")
class OpenApiIT {

    private static final Path SNAPSHOT = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("openapi.json");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @LocalServerPort
    int port;

    @Test
    void theApiDescriptionListsTheContractAndMatchesTheDocs() throws Exception {
        Rest.Response response = new Rest(port).get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        ObjectNode api = (ObjectNode) JSON.readTree(response.body());
        api.remove("servers"); // the URL this test happened to call

        List<String> operations = new ArrayList<>();
        api.path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> operations.add(op.getKey().toUpperCase() + " " + path.getKey())));
        assertThat(operations).containsExactlyInAnyOrder(
                "POST /api/v1/users/{user}/messages", "POST /api/v1/groups/{group}/messages", "POST /api/v1/broadcast",
                "PUT /api/v1/groups/{group}/members/{user}", "DELETE /api/v1/groups/{group}/members/{user}",
                "GET /api/v1/users/{user}", "GET /api/v1/groups/{group}", "DELETE /api/v1/users/{user}/sessions",
                "GET /api/v1/stats", "POST /api/v1/batch", "POST /api/v1/sessions/{session}/messages",
                "DELETE /api/v1/sessions/{session}", "GET /api/v1/users");
        assertThat(api.path("paths").path("/api/v1/batch").path("post").path("requestBody").path("content").path("application/json")
                .path("schema").path("$ref").asString()).isEqualTo("#/components/schemas/Batch");
        JsonNode send = api.path("paths").path("/api/v1/users/{user}/messages").path("post");
        assertThat(send.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asString())
                .isEqualTo("#/components/schemas/Message");
        assertThat(send.path("parameters").findValuesAsString("name")).contains("user", "X-Tenant");
        assertThat(api.path("components").path("securitySchemes").path("apiKey").path("name").asString()).isEqualTo("X-Api-Key");

        assertThat(new Rest(port).get("/webjars/swagger-ui/index.html").status()).isEqualTo(200);

        String generated = JSON.writeValueAsString(api) + "\n";
        if (Boolean.getBoolean("wsgrid.docs.write")) {
            Files.writeString(SNAPSHOT, generated);
        }
        assertThat(JSON.readTree(Files.readString(SNAPSHOT))).as("docs/openapi.json is stale: rerun with -Dwsgrid.docs.write=true")
                .isEqualTo(api);
    }
}
