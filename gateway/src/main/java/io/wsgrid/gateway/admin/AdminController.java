package io.wsgrid.gateway.admin;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.wsgrid.gateway.GatewayProperties;
import io.wsgrid.gateway.backend.Backend;
import io.wsgrid.gateway.backend.BackendState;
import io.wsgrid.gateway.backend.Backends;
import io.wsgrid.gateway.balancing.Balancer;
import io.wsgrid.gateway.balancing.Strategies;
import io.wsgrid.gateway.relay.ClientConnection;
import io.wsgrid.gateway.relay.Clients;
import io.wsgrid.gateway.replicas.ReplicaView;
import io.wsgrid.gateway.replicas.SharedControl;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The admin API on the admin port: overview, backends, nodes, clients, strategy, gateway replicas, sending. The admin
 * UI uses the same calls. Changes go through {@link SharedControl}, so with a shared state they hold on every replica.
 */
@RestController
@RequestMapping("/api")
class AdminController {

    /**
     * @param lastError       the backend's last health-check or connect error while it is current: always while the
     *                        backend is DOWN, else only until it is {@code wsgrid.admin.error-stale-after} old; null
     *                        otherwise, so an UP backend does not show yesterday's {@code ConnectException}.
     * @param lastErrorMillis when that error happened (epoch millis), 0 when there is none to show.
     * @param circuit         its passive ejection: {@code OPEN} while ejected after connect or handshake failures (no new
     *                        sessions until {@code nextRetry}, epoch ms), {@code HALF_OPEN} once that time passed but no
     *                        handshake has succeeded since (the next failure ejects it for twice as long), {@code CLOSED}
     *                        otherwise; {@code consecutiveFailures} is what the next ejection time grows from.
     */
    record BackendView(String id, String url, int weight, String state, String source, int connections, long totalSessions,
            long failedHandshakes, String lastError, long lastErrorMillis, String circuit, int consecutiveFailures, Long nextRetry) {

        static BackendView of(Backend b, long errorStaleAfterMillis) {
            long now = System.currentTimeMillis();
            boolean current = CurrentError.isCurrent(b.state(), b.lastError(), b.lastErrorMillis(), now, errorStaleAfterMillis);
            boolean open = b.ejectedUntilMillis() > now;
            String circuit = open ? "OPEN" : b.consecutiveFailures() > 0 ? "HALF_OPEN" : "CLOSED";
            return new BackendView(b.id(), b.uri().toString(), b.weight(), b.state().name(), b.source(), b.connections(),
                    b.totalSessions(), b.failedHandshakes(), current ? b.lastError() : null, current ? b.lastErrorMillis() : 0,
                    circuit, b.consecutiveFailures(), open ? b.ejectedUntilMillis() : null);
        }
    }

    BackendView view(Backend b) {
        return BackendView.of(b, errorStaleAfterMillis);
    }

    record NewBackend(String url, Integer weight) {
    }

    /** A session this gateway relays; {@code node} is the id the backend's node reported (null until it did). */
    record ClientView(String id, String user, String remoteAddress, String backend, String node, long since, long bytesIn,
            long bytesOut) {
        static ClientView of(ClientConnection c, Map<String, String> nodeIds) {
            String backend = c.backend() == null ? null : c.backend().id();
            return new ClientView(c.id(), c.user(), c.remoteAddress(), backend, backend == null ? null : nodeIds.get(backend),
                    c.sinceMillis(), c.bytesIn(), c.bytesOut());
        }
    }

    record ClientPage(int total, List<ClientView> clients) {
    }

    record StrategyView(String strategy, List<String> available) {
    }

    record StrategyChange(String strategy) {
    }

    record WeightChange(Integer weight) {
    }

    /**
     * The cluster at a glance. {@code users} adds up the nodes' distinct users, so a user with sessions on two nodes
     * counts twice; {@code sessions} is what the nodes hold (the gateway's own relayed count is {@code gatewaySessions}).
     */
    record Overview(String strategy, int nodes, int nodesReachable, Map<String, Long> backends, int gatewaySessions,
            int sessions, int users, double messagesPerSecond, double deliveriesPerSecond, List<ReplicaView> gateways) {
    }

    /**
     * The gateway replicas sharing this one's admin state ({@code wsgrid.gateway.shared-state=redis}), this one
     * first; {@code sessions} adds up their relayed sessions; {@code error} says why the shared state is unreachable.
     */
    record Gateways(String self, String sharedState, int sessions, List<ReplicaView> gateways, String error) {
    }

    private final Backends backends;
    private final Clients clients;
    private final Balancer balancer;
    private final NodeMonitor monitor;
    private final AdminMessenger messenger;
    private final long errorStaleAfterMillis;
    private final SharedControl control;
    private final String sharedState;

    AdminController(Backends backends, Clients clients, Balancer balancer, NodeMonitor monitor, AdminMessenger messenger,
            AdminProperties properties, SharedControl control, GatewayProperties gateway) {
        this.control = control;
        this.sharedState = gateway.sharedState().name().toLowerCase(Locale.ROOT);
        this.backends = backends;
        this.clients = clients;
        this.balancer = balancer;
        this.monitor = monitor;
        this.messenger = messenger;
        this.errorStaleAfterMillis = properties.errorStaleAfter().toMillis();
    }

    @GetMapping("/overview")
    Overview overview() {
        List<NodeMonitor.NodeView> nodes = monitor.nodes();
        Map<String, Long> states = new TreeMap<>();
        for (BackendState state : BackendState.values()) {
            states.put(state.name(), 0L);
        }
        backends.all().forEach(b -> states.merge(b.state().name(), 1L, Long::sum));
        List<NodeMonitor.NodeView> reachable = nodes.stream().filter(NodeMonitor.NodeView::reachable).toList();
        return new Overview(balancer.strategy(), nodes.size(), reachable.size(), states, clients.count(),
                reachable.stream().mapToInt(NodeMonitor.NodeView::sessions).sum(),
                reachable.stream().mapToInt(NodeMonitor.NodeView::users).sum(),
                reachable.stream().mapToDouble(NodeMonitor.NodeView::messagesPerSecond).sum(),
                reachable.stream().mapToDouble(NodeMonitor.NodeView::deliveriesPerSecond).sum(), control.replicas());
    }

    @GetMapping("/gateways")
    Gateways gateways() {
        List<ReplicaView> replicas = control.replicas();
        return new Gateways(control.id(), sharedState, replicas.stream().mapToInt(ReplicaView::connections).sum(), replicas,
                control.lastError());
    }

    /** Every backend's last stats and health, as collected by the gateway each poll interval. */
    @GetMapping("/nodes")
    List<NodeMonitor.NodeView> nodes() {
        return monitor.nodes();
    }

    /** Sends a message through a node's REST API; the node's answer comes back as is (202 with the message id). */
    @PostMapping("/messages")
    Mono<ResponseEntity<String>> send(@RequestBody AdminMessenger.Send body) {
        return Mono.fromFuture(messenger.send(body)).map(answer -> ResponseEntity.status(answer.status())
                .contentType(answer.status() < 400 ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON)
                .body(answer.body()));
    }

    @GetMapping("/backends")
    List<BackendView> backends() {
        return backends.all().stream().map(this::view).toList();
    }

    @PostMapping("/backends")
    @ResponseStatus(HttpStatus.CREATED)
    BackendView add(@RequestBody NewBackend body) {
        if (body.url() == null) {
            throw new IllegalArgumentException("'url' is required, e.g. {\"url\":\"http://10.0.0.5:8081\",\"weight\":1}");
        }
        return view(control.add(URI.create(body.url()), body.weight() == null ? 1 : body.weight()));
    }

    @PostMapping("/backends/{id}/{action}")
    BackendView act(@PathVariable String id, @PathVariable String action) {
        return view(switch (action) {
            case "enable" -> control.enable(id);
            case "disable" -> control.disable(id);
            case "drain" -> control.drain(id);
            default -> throw new ResponseStatusException(HttpStatus.NOT_FOUND, "unknown action '" + action + "'; use enable, disable or drain");
        });
    }

    @PutMapping("/backends/{id}/weight")
    BackendView weight(@PathVariable String id, @RequestBody WeightChange change) {
        if (change.weight() == null) {
            throw new IllegalArgumentException("'weight' is required, e.g. {\"weight\":3}");
        }
        return view(control.weight(id, change.weight()));
    }

    @DeleteMapping("/backends/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(@PathVariable String id) {
        if (!control.remove(id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no backend '" + id + "'");
        }
    }

    /** Sessions, newest first, optionally filtered by user or client id (substring, case-insensitive). */
    @GetMapping("/clients")
    ClientPage clients(@RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "200") int limit) {
        String needle = q.toLowerCase(Locale.ROOT);
        Map<String, String> nodeIds = monitor.nodeIds();
        List<ClientView> matching = clients.all().stream()
                .filter(c -> needle.isEmpty() || c.id().contains(needle) || (c.user() != null && c.user().toLowerCase(Locale.ROOT).contains(needle)))
                .sorted(Comparator.comparingLong(ClientConnection::sinceMillis).reversed())
                .map(c -> ClientView.of(c, nodeIds)).toList();
        return new ClientPage(matching.size(), matching.subList(0, Math.min(Math.max(limit, 0), matching.size())));
    }

    @GetMapping("/clients/{id}")
    ClientView client(@PathVariable String id) {
        ClientConnection c = clients.get(id);
        if (c == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no client '" + id + "'");
        }
        return ClientView.of(c, monitor.nodeIds());
    }

    @GetMapping("/strategy")
    StrategyView strategy() {
        return new StrategyView(balancer.strategy(), Strategies.NAMES);
    }

    @PutMapping("/strategy")
    StrategyView strategy(@RequestBody StrategyChange change) {
        control.strategy(change.strategy() == null ? "" : change.strategy());
        return strategy();
    }
}
