package io.wsgrid.node.api;

import java.nio.charset.StandardCharsets;

import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.node.auth.Authenticator;
import io.wsgrid.node.delivery.Messenger;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * What the two hot sends ({@code POST /api/v1/users/{user}/messages}, {@code POST /api/v1/groups/{group}/messages})
 * do once a transport has the request, for both ways they are served: {@link SendEndpoint} below WebFlux and
 * {@link SendRoutes} on it. The checks come in the contract's order (tenant and key, name, then the body's
 * {@code data}); failures are {@code ResponseStatusException}s (400, 401; 503 when history could not take the
 * message) that each transport writes as {@code application/problem+json}.
 */
@Component
class Sends {

    static final String TOO_LARGE = "request body is larger than the node accepts";

    /**
     * A send whose headers and name passed: {@code what} is "user" or "group"; {@code messenger} the node's, or the
     * warm-up's private one for a rehearsal request.
     */
    record Checked(String what, String tenant, String name, Messenger messenger) {
    }

    private final Messenger messenger;
    private final TenantResolver tenants;
    private final RestWarmup.Stage warmup;

    Sends(Messenger messenger, TenantResolver tenants, RestWarmup.Stage warmup) {
        this.messenger = messenger;
        this.tenants = tenants;
        this.warmup = warmup;
    }

    /** Checks the tenant and its key (a rehearsal request has neither), then the decoded name; throws 400 or 401. */
    Checked check(String what, String name, String rehearsalHeader, String tenantHeader, String apiKey) {
        Messenger rehearsing = warmup.messengerFor(rehearsalHeader);
        if (rehearsing != null) {
            return new Checked(what, Authenticator.DEFAULT_TENANT, MessagingController.name(name, what), rehearsing);
        }
        String tenant = tenants.resolve(tenantHeader, apiKey).name();
        return new Checked(what, tenant, MessagingController.name(name, what), messenger);
    }

    /** Sends the body's {@code data}; emits the 202 answer. Throws 400 for a bad body (call it inside the chain). */
    Mono<byte[]> send(Checked send, byte[] body) {
        RawJson data = MessagingController.data(body);
        Messenger to = send.messenger();
        return Mono.fromCompletionStage(send.what().equals("user")
                ? to.toUser(send.tenant(), send.name(), null, data)
                        .thenApply(sent -> answer(sent.id(), sent.queued() ? "queued" : "sent", sent.position().offset()))
                : to.toGroup(send.tenant(), send.name(), null, data)
                        .thenApply(sent -> answer(sent.id(), null, sent.position().offset())))
                .onErrorMap(MessagingController::unavailable);
    }

    /** {@code {"id":..,"status":..,"offset":..}} ({@code status} left out when null); ids and statuses need no escaping. */
    static byte[] answer(String id, String status, long offset) {
        StringBuilder json = new StringBuilder(80).append("{\"id\":\"").append(id);
        if (status != null) {
            json.append("\",\"status\":\"").append(status);
        }
        return json.append("\",\"offset\":").append(offset).append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }
}
