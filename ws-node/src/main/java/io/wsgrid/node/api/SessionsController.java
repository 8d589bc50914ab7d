package io.wsgrid.node.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.wsgrid.node.delivery.Messenger;
import io.wsgrid.node.delivery.Router;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Calls that address one session (send, close) and list the tenant's online users; all of them cluster-wide.
 */
@RestController
@RequestMapping("/api/v1")
class SessionsController {

    /** Largest page of {@code GET /api/v1/users}. */
    static final int MAX_LIMIT = 1_000;

    record OnlineUsers(java.util.List<String> users, int count, String cursor) {
    }

    private final Messenger messenger;
    private final Router router;

    SessionsController(Messenger messenger, Router router) {
        this.messenger = messenger;
        this.router = router;
    }

    @Operation(summary = "Send to one session, wherever it is", description = "Live only: no offset, not queued, not replayable")
    @ApiResponse(responseCode = "202", description = "Handed to the node that holds the session")
    @ApiResponse(responseCode = "404", description = "No such session in the tenant (closed, or never existed)")
    @PostMapping("/sessions/{session}/messages")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<MessagingController.Accepted> send(Tenant tenant, @PathVariable String session, @RequestBody byte[] body) {
        return Mono.fromCompletionStage(messenger.toSession(tenant.name(), MessagingController.name(session, "session"),
                        MessagingController.data(body)))
                .onErrorMap(MessagingController::unavailable)
                .switchIfEmpty(Mono.error(() -> gone(session)))
                .map(MessagingController.Accepted::new);
    }

    @Operation(summary = "Close one session with 4500, wherever it is",
            description = "closed is 1 when the session was found and closed, 0 when there is no such session")
    @DeleteMapping("/sessions/{session}")
    Mono<MessagingController.Closed> close(Tenant tenant, @PathVariable String session) {
        return Mono.fromCompletionStage(router.closeSession(tenant.name(), MessagingController.name(session, "session")))
                .onErrorMap(MessagingController::unavailable)
                .map(closed -> new MessagingController.Closed(closed ? 1 : 0));
    }

    @Operation(summary = "Online users of the tenant, cluster-wide, a page at a time",
            description = "Pass the answer's cursor to get the next page; cursor is null on the last page. Like Redis SCAN, a page "
                    + "may hold fewer than limit users before the end, and a user who connects or leaves meanwhile may or may not be listed.")
    @GetMapping("/users")
    Mono<OnlineUsers> online(Tenant tenant, @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be 1 to " + MAX_LIMIT);
        }
        if (cursor != null && (cursor.isEmpty() || cursor.length() > 256)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "cursor must be the one a previous page returned");
        }
        return Mono.fromCompletionStage(router.online(tenant.name(), cursor, limit))
                .onErrorMap(SessionsController::pageProblem)
                .map(page -> new OnlineUsers(page.users(), page.users().size(), page.cursor()));
    }

    private static Throwable pageProblem(Throwable error) {
        Throwable cause = MessagingController.cause(error);
        return cause instanceof IllegalArgumentException ? new ResponseStatusException(HttpStatus.BAD_REQUEST, cause.getMessage())
                : new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "presence could not be read, retry later");
    }

    private static ResponseStatusException gone(String session) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no session '" + session + "' in this tenant");
    }
}
