package io.wsgrid.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST commands against a fake node that records each request and answers from a script. */
class RestCommandsTests {

    /** What the fake node saw. */
    record Request(String method, String uri, Map<String, String> headers, String body) {
    }

    /** One scripted answer. */
    record Answer(int status, String body) {
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Answer> answers = new ArrayDeque<>();
    private final HttpServer node;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    RestCommandsTests() throws IOException {
        node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        node.createContext("/", this::answer);
        node.start();
    }

    @AfterEach
    void stop() {
        node.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.getFirst()));
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
        Answer answer;
        synchronized (answers) {
            answer = answers.isEmpty() ? new Answer(500, "{\"detail\":\"unscripted\"}") : answers.remove();
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private void script(int status, String body) {
        synchronized (answers) {
            answers.add(new Answer(status, body));
        }
    }

    private int run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + node.getAddress().getPort()));
        return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
    }

    @Test
    void sendToSeveralUsersIsOneBatchCallWithAUsersItem() {
        String answer = "{\"results\":[{\"id\":\"1\",\"status\":\"sent\",\"offset\":3},{\"id\":\"2\",\"status\":\"queued\",\"offset\":1}]}";
        script(202, answer);

        int exit = run("send", "--users", "bob,carol \"c\"", "--data", "{\"hi\":1}", "--tenant", "acme", "--api-key", "k1");

        assertThat(exit).isZero();
        Request request = requests.getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo("/api/v1/batch");
        assertThat(request.body()).isEqualTo("{\"messages\":[{\"users\":[\"bob\",\"carol \\\"c\\\"\"],\"data\":{\"hi\":1}}]}");
        assertThat(request.headers()).containsEntry("X-Tenant", "acme").containsEntry("X-Api-Key", "k1")
                .containsEntry("Content-Type", "application/json");
        assertThat(out.toString()).contains(answer);
    }

    @Test
    void aRecipientTheBatchRefusedFailsTheCommandAndSaysWhy() {
        script(202, "{\"results\":[{\"id\":\"1\",\"status\":\"sent\",\"offset\":3},{\"error\":\"user name too long\"}]}");

        assertThat(run("send", "--users", "bob,x", "--data", "1")).isEqualTo(1);
        assertThat(err.toString()).contains("1 of the recipients failed: user name too long");
    }

    @Test
    void sendToOneSessionPostsToItsMessagesAndA404SaysItIsGone() {
        script(202, "{\"id\":\"0193\"}");
        assertThat(run("send", "--session", "s/1", "--data", "\"hi\"")).isZero();
        assertThat(requests.getFirst().uri()).isEqualTo("/api/v1/sessions/s%2F1/messages");
        assertThat(requests.getFirst().body()).isEqualTo("{\"data\":\"hi\"}");

        script(404, "{\"title\":\"Not Found\"}");
        assertThat(run("send", "--session", "gone", "--data", "1")).isEqualTo(1);
        assertThat(err.toString()).contains("session gone not found");
    }

    @Test
    void groupAndBroadcastKeepTheirSingleCalls() {
        script(202, "{\"id\":\"1\",\"offset\":7}");
        script(202, "{\"id\":\"2\"}");
        assertThat(run("send", "--group", "room 1", "--data", "1")).isZero();
        assertThat(run("send", "--broadcast", "--data", "1")).isZero();
        assertThat(requests).extracting(Request::uri).containsExactly("/api/v1/groups/room%201/messages", "/api/v1/broadcast");
    }

    @Test
    void badDataIsRefusedBeforeAnyCall() {
        assertThat(run("send", "--users", "a", "--data", "{oops")).isEqualTo(2);
        assertThat(err.toString()).contains("--data is not valid JSON");
        assertThat(requests).isEmpty();
    }

    @Test
    void onlineFollowsCursorsAndPrintsOneUserPerLine() {
        script(200, "{\"users\":[\"alice\",\"bob\"],\"count\":2,\"cursor\":\"17\"}");
        script(200, "{\"users\":[],\"count\":0,\"cursor\":\"a b\"}");
        script(200, "{\"users\":[\"carol\"],\"count\":1}");

        assertThat(run("online", "--limit", "2", "--tenant", "acme")).isZero();

        assertThat(out.toString().lines()).containsExactly("alice", "bob", "carol");
        assertThat(requests).extracting(Request::uri)
                .containsExactly("/api/v1/users?limit=2", "/api/v1/users?limit=2&cursor=17", "/api/v1/users?limit=2&cursor=a%20b");
        assertThat(requests).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"))
                .allSatisfy(r -> assertThat(r.headers()).containsEntry("X-Tenant", "acme"));
    }

    @Test
    void anUnreachableNodeIsOneLineOnStderr() {
        node.stop(0);
        assertThat(run("online")).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("error: ConnectException");
    }

    @Test
    void onlineStopsOnAnErrorWithTheStatus() {
        script(401, "{\"title\":\"Unauthorized\"}");
        assertThat(run("online")).isEqualTo(1);
        assertThat(err.toString()).contains("HTTP 401");
        assertThat(requests.getFirst().uri()).isEqualTo("/api/v1/users?limit=100");
    }
}
