package io.wsgrid.node.api;

import java.util.Arrays;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST API's OpenAPI description ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}), generated from
 * {@link MessagingController}. The tenant and its API key travel in headers, which {@link TenantResolver} reads; here
 * they become documented header parameters and a security scheme.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Tenant.class);
    }

    @Bean
    OpenAPI wsgridOpenApi() {
        return new OpenAPI()
                .info(new Info().title("wsgrid node REST API").version("v1").description("""
                        Send to a user, a group or everyone; manage group membership; read presence; kick; node stats. \
                        Available on every node and through the gateway's data port. Errors are application/problem+json."""))
                .components(new Components().addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER).name("X-Api-Key")
                        .description("The tenant's API key (wsgrid.auth.tenants.<tenant>.api-key); not needed with wsgrid.auth.mode=none"))
                        .addSchemas("Message", new ObjectSchema().addRequiredItem("data")
                                .addProperty("data", new Schema<>().description("Any JSON value; delivered to the sessions as is"))
                                .description("A message to deliver"))
                        .addSchemas("Batch", new ObjectSchema().addRequiredItem("messages")
                                .addProperty("messages", new io.swagger.v3.oas.models.media.ArraySchema().maxItems(BatchRequest.MAX_ITEMS)
                                        .items(new ObjectSchema().addRequiredItem("data")
                                                .addProperty("user", new StringSchema())
                                                .addProperty("users", new io.swagger.v3.oas.models.media.ArraySchema().items(new StringSchema()))
                                                .addProperty("group", new StringSchema())
                                                .addProperty("broadcast", new io.swagger.v3.oas.models.media.BooleanSchema())
                                                .addProperty("data", new Schema<>().description("Any JSON value"))
                                                .description("Exactly one of user, users, group or broadcast:true, and data")))
                                .description("Up to 1000 messages")));
    }

    /**
     * Adds what the controller's signatures do not say: the tenant headers, and the JSON shape of the send calls'
     * bodies (read as raw bytes, so the data is never parsed into objects).
     */
    @Bean
    OperationCustomizer contractDetails() {
        return (operation, handler) -> {
            if (Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.getParameterType() == byte[].class
                    && p.hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class))) {
                String schema = handler.getBeanType() == BatchController.class ? "Batch" : "Message";
                operation.requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + schema)))));
            }
            if (Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.getParameterType() == Tenant.class)) {
                operation.addParametersItem(new HeaderParameter().name("X-Tenant").required(false)
                        .description("Tenant the call acts for").schema(new StringSchema()._default("default")));
                operation.addSecurityItem(new SecurityRequirement().addList("apiKey"));
            }
            return operation;
        };
    }
}
