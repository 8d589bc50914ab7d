package io.wsgrid.node.api;

import io.swagger.v3.oas.annotations.Operation;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The OpenAPI description of the calls {@link SendRoutes} serves, written as the annotated signatures springdoc reads
 * (so {@code docs/openapi.json} describes them as before). springdoc looks the class up as a bean, so an empty
 * instance is one ({@link SendRoutes#sendDocs()}); the methods are never called.
 */
interface SendDocs {

    record SendResponse(String id, String status, long offset) {
    }

    record GroupSent(String id, long offset) {
    }

    @Operation(summary = "Send to every session of a user", description = "202 with status 'queued' when the user is offline everywhere",
            tags = "messaging-controller", operationId = "sendToUser")
    @ResponseStatus(HttpStatus.ACCEPTED)
    default SendResponse sendToUser(Tenant tenant, @PathVariable String user, @RequestBody byte[] body) {
        throw new UnsupportedOperationException("documentation only: SendRoutes serves this call");
    }

    @Operation(summary = "Send to every session in a group", tags = "messaging-controller", operationId = "sendToGroup")
    @ResponseStatus(HttpStatus.ACCEPTED)
    default GroupSent sendToGroup(Tenant tenant, @PathVariable String group, @RequestBody byte[] body) {
        throw new UnsupportedOperationException("documentation only: SendRoutes serves this call");
    }
}
