package io.wsgrid.gateway.admin;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.wsgrid.gateway.relay.ClientConnection;
import io.wsgrid.gateway.relay.Clients;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The admin API's cluster-wide views: the charts' history and where a user's sessions are. */
@RestController
@RequestMapping("/api")
class ClusterController {

    /**
     * @param cluster what the nodes say about the user (every node asked).
     * @param relayed the user's sessions this gateway relays, newest first, with their node.
     */
    record UserSessions(UserLookup.Found cluster, List<AdminController.ClientView> relayed) {
    }

    private final ClusterHistory history;
    private final UserLookup users;
    private final Clients clients;
    private final NodeMonitor monitor;

    ClusterController(ClusterHistory history, UserLookup users, Clients clients, NodeMonitor monitor) {
        this.history = history;
        this.users = users;
        this.clients = clients;
        this.monitor = monitor;
    }

    /** The last minutes of sessions, rates, handshakes and per-backend figures, one sample per poll interval. */
    @GetMapping("/history")
    HistoryView history() {
        return history.view();
    }

    /** A user's sessions on every node (for a tenant, default {@code default}). */
    @GetMapping("/users/{user}")
    Mono<UserSessions> user(@PathVariable String user, @RequestParam(defaultValue = "") String tenant) {
        return Mono.fromFuture(users.find(user, tenant)).map(found -> {
            Map<String, String> nodeIds = monitor.nodeIds();
            List<AdminController.ClientView> relayed = clients.all().stream().filter(c -> user.equals(c.user()))
                    .sorted(Comparator.comparingLong(ClientConnection::sinceMillis).reversed())
                    .map(c -> AdminController.ClientView.of(c, nodeIds)).toList();
            return new UserSessions(found, relayed);
        });
    }
}
