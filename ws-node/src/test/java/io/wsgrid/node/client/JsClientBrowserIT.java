package io.wsgrid.node.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsgrid.node.support.Nodes;
import io.wsgrid.node.support.Rest;
import io.wsgrid.node.support.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JavaScript client ({@code ws-client/js/wsgrid.js}) in a real headless Chromium against real nodes. The page is
 * the node's own {@code /demo}, and the client is the module the node serves at {@code /client/wsgrid.js}.
 */
class JsClientBrowserIT {

    /** Records what each client of the page sees, under {@code t.logs[name]}. */
    private static final String HARNESS = """
            const { WsGridClient } = await import('/client/wsgrid.js');
            window.t = { clients: {}, logs: {} };
            t.make = (name, url, options = {}) => {
              if (options.fixedRandom !== undefined) { const r = options.fixedRandom; options.random = () => r; }
              const c = new WsGridClient(url, options);
              const log = { messages: [], states: [], errors: [], lost: [], resumed: [], frames: [], closes: [] };
              c.on('message', m => log.messages.push(m));
              c.on('state', (s, d) => log.states.push({ state: s, ...d }));
              c.on('error', e => log.errors.push({ code: e.code, message: e.message }));
              c.on('lost', l => log.lost.push({ user: !!l.user, group: l.group ?? null }));
              c.on('resumed', r => log.resumed.push(r));
              c.on('frame', f => log.frames.push(JSON.parse(f)));
              c.on('close', (code, reason, again) => log.closes.push({ code, again }));
              t.clients[name] = c;
              t.logs[name] = log;
              return c;
            };
            return typeof WsGridClient;
            """;

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Nodes nodes;
    private static int port;
    private static ChromiumPage page;

    @BeforeAll
    static void start() throws Exception {
        nodes = new Nodes();
        // Three groups per session, so a fourth join is refused with `forbidden`.
        port = nodes.start(List.of("wsgrid.auth.mode=none", "wsgrid.node.id=js-node", "wsgrid.node.hub.max-groups-per-session=3"));
        page = ChromiumPage.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (page != null) {
            page.close();
        }
        nodes.close();
    }

    @BeforeEach
    void freshPage() {
        page.load("http://127.0.0.1:" + port + "/demo");
        assertThat(page.run(HARNESS).path("ok").asString()).as("the page imports the node's module").isEqualTo("function");
    }

    private static String ws(int port) {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    /** Creates a client in the page and connects it; returns the `connected` frame. */
    private static JsonNode connect(String name, String url, String optionsJson) {
        JsonNode result = page.run("const c = t.make('%s', '%s', %s); return await c.connect();".formatted(name, url, optionsJson));
        assertThat(result.has("ok")).as("connect of %s: %s", name, result).isTrue();
        return result.get("ok");
    }

    private static JsonNode log(String name) {
        return page.eval("t.logs['" + name + "']");
    }

    private static List<String> messageData(String name) {
        List<String> data = new ArrayList<>();
        log(name).get("messages").forEach(m -> data.add(m.get("data").toString()));
        return data;
    }

    private static List<String> states(String name) {
        List<String> states = new ArrayList<>();
        log(name).get("states").forEach(s -> states.add(s.get("state").asString()));
        return states;
    }

    @Test
    void theNodeServesTheClientItsTypesAndTheDemo() {
        Rest rest = new Rest(port);
        Rest.Response script = rest.get("/client/wsgrid.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.contentType()).startsWith("text/javascript");
        assertThat(script.body()).contains("export class WsGridClient");
        Rest.Response types = rest.get("/client/wsgrid.d.ts");
        assertThat(types.status()).isEqualTo(200);
        assertThat(types.body()).contains("export class WsGridClient");
        Rest.Response demo = rest.get("/demo");
        assertThat(demo.contentType()).startsWith("text/html");
        assertThat(demo.body()).contains("from '/client/wsgrid.js'");

        assertThat(rest.with(Map.of("If-None-Match", etagOf(port))).get("/client/wsgrid.js").status())
                .as("a browser that has the file revalidates it for free").isEqualTo(304);

        // The page is on 127.0.0.1: localhost is another origin, and browsers load module scripts with CORS.
        JsonNode crossOrigin = page.run("return typeof (await import('http://localhost:%d/client/wsgrid.js')).WsGridClient;".formatted(port));
        assertThat(crossOrigin.path("ok").asString()).as("an app on another origin imports the client: %s", crossOrigin).isEqualTo("function");
    }

    private static String etagOf(int port) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/client/wsgrid.js")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).headers().firstValue("ETag").orElseThrow();
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPublishReachesTheOtherMemberAndARestSendReachesItsUser() {
        JsonNode connected = connect("alice", ws(port), "{user: 'alice'}");
        assertThat(connected.get("user").asString()).isEqualTo("alice");
        assertThat(connected.get("node").asString()).isEqualTo("js-node");
        connect("bob", ws(port), "{user: 'bob'}");
        assertThat(page.run("await t.clients.alice.join('room:1'); await t.clients.bob.join('room:1'); return t.clients.bob.groups;")
                .get("ok").get(0).asString()).isEqualTo("room:1");

        page.run("t.clients.alice.publish('room:1', {text: 'hi bob'});");
        await().atMost(WAIT).until(() -> messageData("bob").contains("{\"text\":\"hi bob\"}"));
        JsonNode received = log("bob").get("messages").get(0);
        assertThat(received.get("from").asString()).isEqualTo("alice");
        assertThat(received.get("group").asString()).isEqualTo("room:1");

        assertThat(new Rest(port).post("/api/v1/users/bob/messages", "{\"data\":{\"from\":\"backend\"}}").status()).isEqualTo(202);
        await().atMost(WAIT).until(() -> messageData("bob").contains("{\"from\":\"backend\"}"));
        assertThat(messageData("alice")).as("alice got her own group message, not bob's").containsExactly("{\"text\":\"hi bob\"}");

        JsonNode rtt = page.run("return await t.clients.bob.ping();");
        assertThat(rtt.get("ok").asDouble()).as("app-level ping round trip").isGreaterThanOrEqualTo(0);
    }

    @Test
    void aJoinTheNodeRefusesRejectsWithItsErrorCode() {
        connect("greedy", ws(port), "{user: 'greedy'}");
        JsonNode refused = page.run("""
                const c = t.clients.greedy;
                await c.join('a'); await c.join('b'); await c.join('c');
                await c.join('d');
                """);
        assertThat(refused.get("code").asString()).isEqualTo("forbidden");
        assertThat(refused.get("error").asString()).contains("too many groups");
        assertThat(page.eval("t.clients.greedy.groups").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(page.eval("t.clients.greedy.state").asString()).as("a refused join does not end the session").isEqualTo("open");
    }

    @Test
    void afterANodeRestartTheClientReconnectsByItselfRejoinsAndReceives() throws Exception {
        int restartPort = Nodes.freePort();
        try (RestartableNode node = new RestartableNode(restartPort, List.of("wsgrid.auth.mode=none",
                "wsgrid.node.shutdown.drain-window=100ms")).start()) {
            connect("phoenix", ws(restartPort), "{user: 'phoenix', backoff: {base: 100, cap: 1000}}");
            page.run("await t.clients.phoenix.join('survivors');");
            node.stop();
            await().atMost(WAIT).until(() -> states("phoenix").contains("reconnecting"));
            node.start();

            await().atMost(WAIT).until(() -> states("phoenix").stream().filter("open"::equals).count() == 2);
            Rest rest = new Rest(restartPort);
            await().atMost(WAIT).until(() -> rest.get("/api/v1/groups/survivors").body().contains("phoenix"));
            rest.post("/api/v1/groups/survivors/messages", "{\"data\":\"welcome back\"}");
            rest.post("/api/v1/users/phoenix/messages", "{\"data\":\"for you\"}");
            await().atMost(WAIT).until(() -> messageData("phoenix").containsAll(List.of("\"welcome back\"", "\"for you\"")));
            assertThat(log("phoenix").get("closes").get(0).get("code").asInt()).as("the node said it was going away").isEqualTo(1001);
        }
    }

    @Test
    void anUnauthorizedClientIsClosedAndNeverRetries() {
        int jwtPort = nodes.start(List.of("wsgrid.auth.mode=jwt",
                "wsgrid.auth.tenants.default.jwt-secret=0123456789abcdef0123456789abcdef", "wsgrid.auth.tenants.default.api-key=k"));
        JsonNode refused = page.run("return await t.make('intruder', '%s', {token: 'not.a.jwt', backoff: {base: 20, cap: 50}}).connect();"
                .formatted(ws(jwtPort)));
        assertThat(refused.get("closeCode").asInt()).isEqualTo(4001);
        assertThat(refused.get("code").asString()).isEqualTo("unauthorized");
        assertThat(page.eval("t.clients.intruder.state").asString()).isEqualTo("closed");
        // A retry would come within 50 ms; the client stays closed with its one attempt for much longer than that.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> states("intruder").equals(List.of("connecting", "closed")));
    }

    @Test
    void aServiceRestartCloseReconnectsAtOnceWhileOtherClosesBackOff() throws Exception {
        try (CloseFrameProxy proxy = new CloseFrameProxy(port)) {
            // A 20 s backoff base: only the 1012 rule can bring the client back within the wait below.
            connect("drained", ws(proxy.port()), "{user: 'drained', fixedRandom: 0.5, backoff: {base: 20000, cap: 60000, restartJitter: 40}}");
            proxy.closeAll(1012);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(states("drained")).containsExactly(
                    "connecting", "open", "reconnecting", "connecting", "open"));
            JsonNode restart = log("drained").get("states").get(2);
            assertThat(restart.get("code").asInt()).isEqualTo(1012);
            assertThat(restart.get("delay").asDouble()).as("half of the 40 ms restart jitter").isEqualTo(20.0);

            proxy.closeAll(4000);
            await().atMost(WAIT).untilAsserted(() -> assertThat(states("drained")).hasSize(6));
            JsonNode backingOff = log("drained").get("states").get(5);
            assertThat(backingOff.get("state").asString()).isEqualTo("reconnecting");
            assertThat(backingOff.get("code").asInt()).isEqualTo(4000);
            assertThat(backingOff.get("delay").asDouble()).as("half of the first 20 s ceiling").isEqualTo(10000.0);
        }
    }

    @Test
    void messagesSentWhileDisconnectedArriveExactlyOnceAfterTheClientResumes() throws Exception {
        try (TcpProxy proxy = new TcpProxy(port)) {
            JsonNode connected = connect("resumer", ws(proxy.port()), "{user: 'resumer', backoff: {base: 50, cap: 200}}");
            if (!connected.has("epoch")) {
                System.err.println("SKIPPED: the resume test waits for the node's recovery (offset/epoch in `connected`, "
                        + "the `resume` frame; Recovery in ARCHITECTURE.md); its connected frame was " + connected);
            }
            Assumptions.assumeTrue(connected.has("epoch"), "the node does not send offset/epoch yet: " + connected);
            page.run("await t.clients.resumer.join('replay');");
            Rest rest = new Rest(port);
            rest.post("/api/v1/groups/replay/messages", "{\"data\":\"g1\"}");
            rest.post("/api/v1/users/resumer/messages", "{\"data\":\"u1\"}");
            await().atMost(WAIT).until(() -> messageData("resumer").size() == 2);

            proxy.cut();
            await().atMost(WAIT).until(() -> states("resumer").contains("reconnecting"));
            for (String data : List.of("g2", "g3", "g4")) {
                assertThat(rest.post("/api/v1/groups/replay/messages", "{\"data\":\"" + data + "\"}").status()).isEqualTo(202);
            }
            for (String data : List.of("u2", "u3")) {
                assertThat(rest.post("/api/v1/users/resumer/messages", "{\"data\":\"" + data + "\"}").status()).isEqualTo(202);
            }
            proxy.restore();

            await().atMost(WAIT).until(() -> log("resumer").get("resumed").size() == 1);
            await().atMost(WAIT).until(() -> messageData("resumer").size() >= 7);
            rest.post("/api/v1/groups/replay/messages", "{\"data\":\"g5\"}");
            await().atMost(WAIT).until(() -> messageData("resumer").contains("\"g5\""));

            List<String> data = messageData("resumer");
            assertThat(data).as("every message exactly once").containsExactlyInAnyOrder(
                    "\"g1\"", "\"u1\"", "\"g2\"", "\"g3\"", "\"g4\"", "\"u2\"", "\"u3\"", "\"g5\"");
            assertThat(data.stream().filter(d -> d.startsWith("\"g")).toList()).as("group stream in order")
                    .containsExactly("\"g1\"", "\"g2\"", "\"g3\"", "\"g4\"", "\"g5\"");
            assertThat(data.stream().filter(d -> d.startsWith("\"u")).toList()).as("user stream in order")
                    .containsExactly("\"u1\"", "\"u2\"", "\"u3\"");
            JsonNode resumed = log("resumer").get("resumed").get(0);
            assertThat(resumed.get("recovered").asBoolean()).isTrue();
            assertThat(resumed.get("groups").get("replay").asBoolean()).isTrue();
            assertThat(log("resumer").get("lost")).isEmpty();
            long deliveredFrames = 0;
            for (JsonNode frame : log("resumer").get("frames")) {
                deliveredFrames += "message".equals(frame.get("type").asString()) ? 1 : 0;
            }
            assertThat(deliveredFrames).as("the node itself sent no message twice on the resumed session").isEqualTo(8);
            JsonNode reconnect = null;
            for (JsonNode state : log("resumer").get("states")) {
                reconnect = "connecting".equals(state.get("state").asString()) ? state : reconnect;
            }
            assertThat(reconnect.get("resume").asBoolean()).as("the reconnect asked to resume (resume=1)").isTrue();
        }
    }

    @Test
    void theDemoIsAChatBetweenTwoTabs() {
        var driver = page.driver();
        String first = driver.getWindowHandle();
        joinDemo("ann");
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get("http://127.0.0.1:" + port + "/demo");
        joinDemo("ben");
        driver.switchTo().window(first);
        await().atMost(WAIT).until(() -> driver.findElement(By.id("state")).getText().equals("open"));
        driver.findElement(By.cssSelector("#say [name=text]")).sendKeys("hello ben");
        driver.findElement(By.id("send")).click();

        for (String tab : driver.getWindowHandles()) {
            driver.switchTo().window(tab);
            await().atMost(WAIT).until(() -> driver.findElement(By.id("log")).getText().contains("ann: hello ben"));
        }
        driver.switchTo().window(first);
        for (String tab : driver.getWindowHandles()) {
            if (!tab.equals(first)) {
                driver.switchTo().window(tab).close();
            }
        }
        driver.switchTo().window(first);
    }

    private static void joinDemo(String user) {
        var driver = page.driver();
        driver.findElement(By.cssSelector("#join [name=user]")).sendKeys(user);
        driver.findElement(By.cssSelector("#join [name=room]")).clear();
        driver.findElement(By.cssSelector("#join [name=room]")).sendKeys("chat:demo-test");
        driver.findElement(By.id("connect")).click();
        await().atMost(WAIT).until(() -> driver.findElement(By.id("log")).getText().contains("joined chat:demo-test as " + user));
    }
}
