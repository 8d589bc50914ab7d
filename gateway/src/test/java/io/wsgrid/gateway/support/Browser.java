package io.wsgrid.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (no Selenium Manager download: this machine has no
 * internet). Outside CI a missing browser skips the test with a message; in CI ({@code CI=true}) it fails, as
 * {@code .ci/run} installs it.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;

    private Browser(ChromeDriver driver, Path profile, String base) {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
    }

    public static Browser open(String baseUrl) throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: .ci/run should have installed chromium and chromium-driver");
        }
        Assumptions.assumeTrue(present, () -> "SKIPPED: no " + CHROMIUM + " / " + CHROMEDRIVER
                + " (apt-get install -y chromium chromium-driver); browser tests need them");
        Path profile = Files.createTempDirectory("wsgrid-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // The flags of a closed network: no background calls home that this machine would refuse.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1440,900", "--user-data-dir=" + profile, "--password-store=basic",
                "--disable-features=PasswordLeakDetection,PasswordManagerOnboarding,AutofillServerCommunication");
        // No password manager: after a login it would offer to save the password and check it for leaks online.
        options.setExperimentalOption("prefs", java.util.Map.of("credentials_enable_service", false,
                "profile.password_manager_enabled", false, "profile.password_manager_leak_detection", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15)).scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile, baseUrl);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Runs an asynchronous script in the page; it reports its result through its last argument. */
    public Object script(String asyncScript) {
        return driver.executeAsyncScript(asyncScript);
    }

    /** Evaluates a synchronous script in the page ({@code return ...}) and gives its value. */
    public Object eval(String script) {
        return driver.executeScript(script);
    }

    /** Forgets the session (and the login) without starting a new browser. */
    public void logOut() {
        driver.manage().deleteAllCookies();
    }

    /** Loads a page; a load that never finishes (see {@link #submit}) is tried once more, saying so. */
    public void go(String path) {
        try {
            driver.get(base + path);
        } catch (TimeoutException e) {
            System.err.println("browser: loading " + path + " did not finish; loading it again");
            driver.get(base + path);
        }
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public java.util.List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits (polling the page) until the condition holds; the UI refreshes itself every two seconds. */
    public <T> T until(ExpectedCondition<T> condition) {
        // The tables are rebuilt on each refresh, so an element found a moment ago may be gone: look again.
        return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    /**
     * Clicks a button that navigates and waits for {@code landed} (a CSS selector) on the next page. Headless Chromium
     * on this 2-core machine now and then never finishes such a navigation ("Timed out receiving message from
     * renderer", seen about once in four runs, never outside the test suite). Then the landing page {@code path} is
     * loaded directly (said on the console): if the click's request never reached the server, that fails the wait.
     */
    public void submit(String button, String landed, String path) {
        try {
            find(button).click();
            new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> !d.findElements(By.cssSelector(landed)).isEmpty());
        } catch (TimeoutException e) {
            System.err.println("browser: the navigation after clicking " + button + " did not finish; loading " + path);
            go(path);
            until(d -> !d.findElements(By.cssSelector(landed)).isEmpty());
        }
    }

    /** Clicks the element {@code find} returns, finding it again if a refresh replaced it in between. */
    public void click(java.util.function.Supplier<WebElement> find) {
        until(d -> {
            find.get().click();
            return true;
        });
    }

    /** Saves the visible page as {@code target/screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
