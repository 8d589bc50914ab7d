package io.wsgrid.node.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.wsgrid.common.protocol.RawJson;
import io.wsgrid.node.api.BatchRequest.Item;
import io.wsgrid.node.delivery.Messenger;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /api/v1/batch}: many sends in one call. Every item is handed to the {@link Messenger} before any is
 * awaited, so their history appends travel to Redis together (Lettuce pipelines concurrent commands on its one
 * connection): a batch costs about one round trip, not one per item. The answer waits until every user and group
 * message is in history, like the single calls; an item that could not be stored gets its own error.
 */
@RestController
@RequestMapping("/api/v1")
class BatchController {

    /** A batch item that was not sent. */
    record Failed(String error) {
    }

    record Results(List<Object> results) {
    }

    private final Messenger messenger;

    BatchController(Messenger messenger) {
        this.messenger = messenger;
    }

    @Operation(summary = "Send up to 1000 messages in one call",
            description = "Items: {\"user\":..}, {\"users\":[..]}, {\"group\":..} or {\"broadcast\":true}, each with \"data\". "
                    + "One result per item, in order, like the single call's answer; a 'users' item's result is an array with one "
                    + "answer per user. A bad item gets {\"error\":..} and the others are still sent. More than 1000 items: 400.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(mediaType = "application/json",
            examples = @ExampleObject("{\"messages\":[{\"user\":\"alice\",\"data\":{\"text\":\"hi\"}},{\"users\":[\"bob\",\"carol\"],"
                    + "\"data\":1},{\"group\":\"room:1\",\"data\":\"x\"},{\"broadcast\":true,\"data\":null}]}")))
    @PostMapping("/batch")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Results> batch(Tenant tenant, @RequestBody byte[] body) {
        List<Item> items;
        try {
            items = BatchRequest.parse(body);
        }
        catch (BatchRequest.Refused e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        List<CompletableFuture<Object>> results = new ArrayList<>(items.size());
        for (Item item : items) {
            results.add(send(tenant.name(), item));
        }
        return Mono.fromCompletionStage(CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<Object> out = new ArrayList<>(results.size());
            results.forEach(r -> out.add(r.join()));
            return new Results(out);
        }));
    }

    /** Starts one item's send; the future never fails (a failure becomes the item's {@link Failed} result). */
    /** A user item's answer, as {@code POST /api/v1/users/{user}/messages} gives it. */
    record UserResult(String id, String status, long offset) {
    }

    /** A group item's answer, as {@code POST /api/v1/groups/{group}/messages} gives it. */
    record GroupResult(String id, long offset) {
    }

    private CompletableFuture<Object> send(String tenant, Item item) {
        return switch (item) {
            case Item.ToUser u -> toUser(tenant, u.user(), u.data());
            case Item.ToUsers u -> {
                List<CompletableFuture<Object>> each = new ArrayList<>(u.users().size());
                u.users().forEach(user -> each.add(toUser(tenant, user, u.data())));
                yield CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                        .thenApply(x -> (Object) each.stream().map(CompletableFuture::join).toList());
            }
            case Item.ToGroup g -> messenger.toGroup(tenant, g.group(), null, g.data()).toCompletableFuture()
                    .<Object>thenApply(sent -> new GroupResult(sent.id(), sent.position().offset()))
                    .exceptionally(BatchController::notStored);
            case Item.Broadcast b -> CompletableFuture.completedFuture(new MessagingController.Accepted(messenger.broadcast(tenant, null, b.data())));
            case Item.Invalid invalid -> CompletableFuture.completedFuture(new Failed(invalid.error()));
        };
    }

    private CompletableFuture<Object> toUser(String tenant, String user, RawJson data) {
        return messenger.toUser(tenant, user, null, data).toCompletableFuture()
                .<Object>thenApply(sent -> new UserResult(sent.id(), sent.queued() ? "queued" : "sent",
                        sent.position().offset()))
                .exceptionally(BatchController::notStored);
    }

    private static Object notStored(Throwable error) {
        return new Failed("the message could not be stored, retry later");
    }
}
