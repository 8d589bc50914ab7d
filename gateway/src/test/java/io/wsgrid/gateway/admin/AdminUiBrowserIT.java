package io.wsgrid.gateway.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.common.protocol.Target;
import io.wsgrid.gateway.relay.RelayServer;
import io.wsgrid.gateway.support.Browser;
import io.wsgrid.gateway.support.Client;
import io.wsgrid.gateway.support.Http;
import io.wsgrid.gateway.support.NodeProcess;
import io.wsgrid.gateway.support.StubNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LONG;
import static org.awaitility.Awaitility.await;

/**
 * The admin UI in headless Chromium, in front of three real ws-node processes on the Redis bus. Screenshots go to
 * {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.admin.poll-interval=500ms", "wsgrid.gateway.health.interval=500ms",
        "wsgrid.gateway.drain-rate=50", "wsgrid.admin.error-stale-after=3s"})
class AdminUiBrowserIT {

    static final List<NodeProcess> NODES = new ArrayList<>();

    @BeforeAll
    static void startNodes() throws Exception {
        NODES.addAll(NodeProcess.startRedisCluster(List.of("ui1", "ui2", "ui3")));
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeProcess.closeAll(NODES);
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("wsgrid.gateway.backends", () -> NodeProcess.backends(NODES));
    }

    @Autowired
    RelayServer relay;

    @LocalServerPort
    int adminPort;

    /** One browser for the class (starting Chromium is the slowest part); each test starts logged out. */
    private static Browser browser;
    private final List<Client> clients = new ArrayList<>();

    @BeforeEach
    void openBrowser() throws Exception {
        if (browser == null) {
            browser = Browser.open("http://127.0.0.1:" + adminPort);
        }
        browser.go("/login");
        browser.logOut();
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @AfterEach
    void close() throws Exception {
        clients.forEach(Client::close);
        for (NodeProcess n : NODES) {
            Http.admin(adminPort, "POST", "/api/backends/" + n.backendId() + "/enable", null);
            Http.admin(adminPort, "PUT", "/api/backends/" + n.backendId() + "/weight", "{\"weight\":1}");
        }
        Http.admin(adminPort, "PUT", "/api/strategy", "{\"strategy\":\"round-robin\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.admin(adminPort, "GET", "/api/clients", null).body().startsWith("{\"total\":0"));
    }

    private void logIn() {
        browser.go("/");
        browser.until(ExpectedConditions.urlContains("/login"));
        browser.find("#username").sendKeys("admin");
        browser.find("#password").sendKeys("test-secret");
        browser.submit("#login", "body[data-page=overview]", "/");
    }

    private WebElement backendRow(NodeProcess node) {
        return browser.find("#backends tr[data-backend='" + node.backendId() + "']");
    }

    private WebElement button(NodeProcess node, String label) {
        return backendRow(node).findElement(By.xpath(".//button[text()='" + label + "']"));
    }

    private String connectionsOf(NodeProcess node) {
        return backendRow(node).findElement(By.cssSelector(".connections")).getText();
    }

    /** The latest value of a chart's series (0 when the chart or the value is not there yet). */
    private long latest(String chart, int series) {
        Object value = browser.eval("const c = window.wsgridCharts?." + chart + "; if (!c || c.series.length <= " + series
                + ") return null; const s = c.data[" + series + "]; return s.length ? s[s.length - 1] : null;");
        return value instanceof Number n ? Math.round(n.doubleValue()) : 0;
    }

    private int seriesOf(String chart, NodeProcess node) {
        return ((Number) browser.eval("return wsgridCharts." + chart + ".series.findIndex(s => s.label?.includes('"
                + node.backendId() + "'))")).intValue();
    }

    @Test
    void aWrongPasswordIsRefusedAndTheBrowserSessionNeedsCsrfForChanges() throws Exception {
        browser.go("/backends");
        browser.find("#username").sendKeys("admin");
        browser.find("#password").sendKeys("guess");
        browser.submit("#login", ".error", "/login?error");
        assertThat(browser.find(".error").getText()).contains("Wrong user name or password");
        browser.go("/nodes");
        browser.until(ExpectedConditions.urlContains("/login"));

        logIn();
        browser.until(ExpectedConditions.textToBe(By.id("strategy"), "round-robin"));
        // The session cookie alone does not authorize a change: a forged cross-site call carries no CSRF token.
        Object status = browser.script("""
                const done = arguments[arguments.length - 1];
                fetch('/api/strategy', {method: 'PUT', headers: {'Content-Type': 'application/json'},
                    body: JSON.stringify({strategy: 'random-two-choices'})}).then(r => done(r.status));""");
        assertThat(status).isEqualTo(403L);
        assertThat(Http.admin(adminPort, "GET", "/api/strategy", null).body()).contains("\"strategy\":\"round-robin\"");

        browser.submit(".logout button", ".notice", "/login?logout");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "You are logged out"));
        browser.go("/nodes");
        browser.until(ExpectedConditions.urlContains("/login"));
    }

    @Test
    void theOperatorSeesTheClusterDrainsANodeAndSendsAMessage() throws Exception {
        for (int i = 0; i < 6; i++) {
            clients.add(new Client(relay.port(), "ui-user-" + i, true));
        }
        logIn();

        browser.until(ExpectedConditions.textToBe(By.id("nodes"), "3 / 3"));
        browser.until(ExpectedConditions.textToBe(By.id("backends-up"), "3"));
        browser.until(ExpectedConditions.textToBe(By.id("sessions"), "6"));
        // Some traffic for the rate charts: broadcasts through the gateway's REST forwarding, each delivered six times.
        for (int i = 0; i < 20; i++) {
            assertThat(Http.post("http://127.0.0.1:" + relay.port() + "/api/v1/broadcast", "{\"data\":{\"n\":" + i + "}}").statusCode())
                    .isEqualTo(202);
        }
        browser.until(d -> Boolean.TRUE.equals(browser.eval("""
                const c = wsgridCharts.rates;
                return c.data[1].some(v => v > 0) && c.data[2].some(v => v > 0)""")));
        // The charts draw the gateway's history: the six sessions are the latest point, the upgrades a rate above zero.
        browser.until(d -> latest("sessions", 1) == 6 && latest("sessions", 2) == 6);
        assertThat(browser.eval("return document.querySelectorAll('.plot canvas').length")).isEqualTo(7L);
        assertThat(browser.eval("return wsgridCharts.sessions.data[0].length")).asInstanceOf(LONG).isGreaterThanOrEqualTo(2);
        // One series per backend (and the x axis) in the per-backend charts.
        assertThat(browser.eval("return wsgridCharts.connections.series.length")).isEqualTo(4L);
        browser.until(d -> NODES.stream().mapToLong(n -> latest("connections", seriesOf("connections", n))).sum() == 6);
        assertThat(browser.eval("""
                const c = wsgridCharts.handshakes, i = c.series.findIndex(s => s.label === 'relayed');
                return i > 0 && Math.max(...c.data[i].filter(v => v !== null)) > 0""")).isEqualTo(true);
        browser.screenshot("overview");

        browser.submit("nav a[href='/backends']", "body[data-page=backends]", "/backends");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#backends tbody tr[data-backend]"), 3));
        NodeProcess drained = NODES.getFirst();
        browser.until(d -> connectionsOf(drained).equals("2"));
        browser.click(() -> button(drained, "Drain"));
        browser.until(d -> "DRAINING".equals(backendRow(drained).getDomAttribute("data-state")));
        // Its two sessions are closed with 1012 and reconnect to the other nodes.
        browser.until(d -> connectionsOf(drained).equals("0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().noneMatch(c -> c.node().equals(drained.id())));
        browser.until(d -> NODES.stream().skip(1).mapToInt(n -> Integer.parseInt(connectionsOf(n))).sum() == 6);
        browser.screenshot("backends-draining");
        browser.click(() -> button(drained, "Enable"));
        browser.until(d -> "UP".equals(backendRow(drained).getDomAttribute("data-state")));

        browser.submit("nav a[href='/clients']", "body[data-page=clients]", "/clients");
        browser.until(ExpectedConditions.textToBe(By.id("client-count"), "6 sessions"));
        browser.find("#search").sendKeys("ui-user-3");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#clients tbody tr[data-client]"), 1));
        String clientPath = browser.find("#clients tbody tr[data-client] a").getDomAttribute("href");
        browser.submit("#clients tbody tr[data-client] a", "body[data-page=client]", clientPath);
        browser.until(ExpectedConditions.textToBe(By.cssSelector("#client [data-field=user]"), "ui-user-3"));
        assertThat(browser.find("#client [data-field=backend]").getText()).startsWith("127.0.0.1:");

        browser.submit("nav a[href='/nodes']", "body[data-page=nodes]", "/nodes");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#nodes tbody tr[data-backend]"), 3));
        browser.until(d -> d.findElements(By.cssSelector("#nodes tbody .badge.UP")).size() == 6);
        browser.screenshot("nodes");

        browser.submit("nav a[href='/send']", "body[data-page=send]", "/send");
        browser.find("#name").sendKeys("ui-user-0");
        WebElement data = browser.find("#data");
        data.clear();
        data.sendKeys("{\"text\":\"from the browser\"}");
        browser.find("#send").click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Sent: id "));
        Client target = clients.getFirst();
        await().atMost(Duration.ofSeconds(10)).until(() -> target.messages.stream()
                .anyMatch(m -> m.data().toString().equals("{\"text\":\"from the browser\"}")));
        browser.screenshot("send");

        new Select(browser.find("#target")).selectByValue("broadcast");
        assertThat(browser.find("#name-label").isDisplayed()).isFalse();
        data.clear();
        data.sendKeys("plain words");
        browser.find("#send").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().allMatch(c -> c.messages.stream()
                .anyMatch(m -> m.data().toString().equals("\"plain words\""))));
    }

    @Test
    void backendsAreReweightedAndTheStrategySwitchedFromTheTable() throws Exception {
        logIn();
        browser.go("/backends");
        NodeProcess node = NODES.get(1);
        browser.until(d -> backendRow(node).isDisplayed());
        // A focused input is not replaced by the refresh, so typing into it is safe once it has focus.
        browser.click(() -> backendRow(node).findElement(By.cssSelector("input[type=number]")));
        WebElement weight = browser.driver().switchTo().activeElement();
        weight.clear();
        weight.sendKeys("7");
        button(node, "Set").click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Set: done"));
        browser.until(d -> "7".equals(backendRow(node).findElement(By.cssSelector("input[type=number]")).getDomProperty("value")));
        assertThat(Http.admin(adminPort, "GET", "/api/backends", null).body()).contains("\"weight\":7");

        new Select(browser.find("#strategy")).selectByValue("weighted-round-robin");
        browser.find("#strategy-form button").click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Strategy is now weighted-round-robin"));

        browser.find("#add-url").sendKeys("ftp://nope:21");
        browser.find("#add-form button").click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "backend URL must look like http://host:port"));
        assertThat(browser.findAll("#backends tbody tr[data-backend]")).hasSize(3);

        browser.submit("nav a[href='/']", "body[data-page=overview]", "/");
        browser.until(ExpectedConditions.textToBe(By.id("strategy"), "weighted-round-robin"));
    }

    @Test
    void aBackendsLastErrorShowsWithItsTimeWhileCurrentAndNotOnceItIsUpAgain() throws Exception {
        int port = StubNode.freePort();
        String id = "127.0.0.1:" + port;
        // Nothing listens there yet: the health checks fail with ConnectException and the backend goes DOWN.
        assertThat(Http.admin(adminPort, "POST", "/api/backends", "{\"url\":\"http://" + id + "\"}").statusCode()).isEqualTo(201);
        try {
            logIn();
            browser.go("/backends");
            By row = By.cssSelector("#backends tr[data-backend='" + id + "']");
            browser.until(d -> "DOWN".equals(d.findElement(row).getDomAttribute("data-state")));
            browser.until(d -> d.findElement(row).findElement(By.cssSelector("td.error")).getText().contains("ConnectException"));
            String when = browser.driver().findElement(row).findElement(By.cssSelector("td.error .when")).getText();
            assertThat(when).matches("\\d\\d:\\d\\d:\\d\\d, \\d+ s ago");
            browser.screenshot("backends");

            try (StubNode node = StubNode.start(port, "stub")) {
                browser.until(d -> "UP".equals(d.findElement(row).getDomAttribute("data-state")));
                // Up again: the error stays a few seconds (error-stale-after=3s here, 60s by default), then goes.
                browser.until(d -> d.findElement(row).findElement(By.cssSelector("td.error")).getText().isEmpty());
                assertThat("UP").isEqualTo(browser.driver().findElement(row).getDomAttribute("data-state"));
                assertThat(Http.admin(adminPort, "GET", "/api/backends", null).body())
                        .contains("\"id\":\"" + id + "\"").doesNotContain("ConnectException");
            }
        } finally {
            Http.admin(adminPort, "DELETE", "/api/backends/" + id, null);
        }
    }

    @Test
    void searchingAUserFindsSessionsOnTwoNodesAndTheSendFormReachesThemAndTheirGroup() throws Exception {
        // Round-robin gives two sessions in a row two different nodes.
        Client first = new Client(relay.port(), "ui-alice", false);
        clients.add(first);
        Client second = new Client(relay.port(), "ui-alice", false);
        clients.add(second);
        clients.add(new Client(relay.port(), "ui-bob", false));
        assertThat(first.node()).isNotEqualTo(second.node());
        logIn();

        browser.go("/clients");
        browser.find("#search").sendKeys("ui-alice");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-summary"), "2 sessions on "));
        String summary = browser.find("#user-summary").getText();
        assertThat(summary).contains(first.node()).contains(second.node()).contains("3 of 3 nodes answered");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#user-nodes tbody tr[data-backend]"), 3));
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#clients tbody tr[data-client]"), 2));
        browser.until(d -> d.findElements(By.cssSelector("#clients tbody tr[data-client] td:nth-child(5)")).stream()
                .map(WebElement::getText).collect(java.util.stream.Collectors.toSet()).equals(java.util.Set.of(first.node(), second.node())));
        browser.screenshot("clients");

        // A name no node knows: offline, said plainly.
        WebElement search = browser.find("#search");
        search.clear();
        search.sendKeys("ui-nobody");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-summary"), "no session on any node"));

        browser.go("/send");
        browser.find("#name").sendKeys("ui-alice");
        WebElement data = browser.find("#data");
        data.clear();
        data.sendKeys("{\"text\":\"to both\"}");
        browser.find("#send").click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Sent: id "));
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(first, second).stream().allMatch(c -> c.messages.stream()
                .anyMatch(m -> m.data().toString().equals("{\"text\":\"to both\"}"))));

        second.raw().join("ui-room").orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        new Select(browser.find("#target")).selectByValue("group");
        WebElement name = browser.find("#name");
        name.clear();
        name.sendKeys("ui-room");
        data.clear();
        data.sendKeys("{\"text\":\"to the room\"}");
        browser.find("#send").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> second.messages.stream()
                .anyMatch(m -> m.target() instanceof Target.Group g && g.group().equals("ui-room") && m.data().toString().equals("{\"text\":\"to the room\"}")));
        assertThat(first.messages).noneMatch(m -> m.target() instanceof Target.Group);

        // Bad input gets the reason, not a stack trace.
        name.clear();
        browser.find("#send").click();
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Not sent: 'name' is required"));
    }
}
