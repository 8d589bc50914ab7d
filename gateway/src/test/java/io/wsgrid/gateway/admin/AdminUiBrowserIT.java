package io.wsgrid.gateway.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsgrid.gateway.relay.RelayServer;
import io.wsgrid.gateway.support.Browser;
import io.wsgrid.gateway.support.Client;
import io.wsgrid.gateway.support.Http;
import io.wsgrid.gateway.support.NodeProcess;
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
import static org.awaitility.Awaitility.await;

/**
 * The admin UI in headless Chromium, in front of three real ws-node processes on the Redis bus. Screenshots go to
 * {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {"wsgrid.gateway.port=0",
        "wsgrid.admin.password=test-secret", "wsgrid.admin.poll-interval=500ms", "wsgrid.gateway.health.interval=500ms",
        "wsgrid.gateway.drain-rate=50"})
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
}
