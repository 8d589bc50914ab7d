package io.wsgrid.node.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's headless Chromium (through its chromedriver, no Selenium Manager download: no internet here) with a page
 * of a node loaded, to run the JavaScript client in a real browser. Outside CI a missing browser skips the test with a
 * message; with {@code CI=true} it fails, as {@code .ci/run} installs it. Same flags as the gateway's admin UI tests.
 */
final class ChromiumPage implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChromeDriver driver;
    private final Path profile;

    private ChromiumPage(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static ChromiumPage start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: .ci/run should have installed chromium and chromium-driver");
        }
        if (!present) {
            System.err.println("SKIPPED: no " + CHROMIUM + " / " + CHROMEDRIVER + " (apt-get install -y chromium chromium-driver)");
        }
        Assumptions.assumeTrue(present, "the JavaScript client's browser tests need Chromium and chromedriver");
        Path profile = Files.createTempDirectory("wsgrid-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // The flags of a closed network: no background calls home that this machine would refuse.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,800", "--user-data-dir=" + profile,
                // Background tabs (the demo's second tab) keep their timers at full speed.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15)).scriptTimeout(Duration.ofSeconds(30));
        return new ChromiumPage(driver, profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    void load(String url) {
        driver.get(url);
    }

    /**
     * Runs {@code body} as the body of an async function in the page and returns what it returns, as JSON; a throw
     * comes back as {@code {"error": message, "code": code}}.
     */
    JsonNode run(String body) {
        Object result = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => { %s })().then(
                    r => done(JSON.stringify({ok: r === undefined ? null : r})),
                    e => done(JSON.stringify({error: String(e && e.message || e), code: e && e.code || null,
                                              closeCode: e && e.closeCode || null})));
                """.formatted(body));
        return JSON.readTree((String) result);
    }

    /** Evaluates a JavaScript expression synchronously; its value comes back as JSON. */
    JsonNode eval(String expression) {
        return JSON.readTree((String) driver.executeScript("return JSON.stringify(" + expression + ");"));
    }


    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
