package io.shm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromedriver}, never a downloaded one)
 * pointed at the server under test, with screenshots saved under {@code target/screenshots}.
 */
public final class Browser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("shm.test.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("shm.test.chromedriver", "/usr/bin/chromedriver");
    /** Generous: a CI machine running the server, PostgreSQL and the browser on two cores can be slow. */
    static final Duration WAIT = Duration.ofSeconds(45);
    static final Path SCREENSHOTS = Path.of(System.getProperty("shm.test.screenshots", "target/screenshots"));

    private final ChromeDriver driver;
    private final URL base;

    public Browser(URL base) {
        this(base, "en-US");
    }

    public Browser(URL base, String language) {
        this.base = base;
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("The dashboard tests need Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver (.ci/run does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--window-size=1440,1000", "--lang=" + language);
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String path) {
        driver.get(Http.resolve(base, path).toString());
    }

    public WebElement find(String css) {
        return waitFor(By.cssSelector(css));
    }

    public WebElement byId(String id) {
        return waitFor(By.id(id));
    }

    /** Waits for an element; when it never comes, the page is saved as a screenshot for whoever reads the failure. */
    private WebElement waitFor(By locator) {
        try {
            return new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(locator));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-" + System.currentTimeMillis());
            throw e;
        }
    }

    public void waitFor(String css) {
        find(css);
    }

    public void waitUntil(String javascriptCondition) {
        try {
            // A condition that reads an element of a page still being built throws: ask again until the wait ends.
            new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.JavascriptException.class)
                    .until(d -> Boolean.TRUE.equals(script("return !!(" + javascriptCondition + ");")));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-" + System.currentTimeMillis());
            throw e;
        }
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    public String source() {
        return driver.getPageSource();
    }

    public void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String cookie(String name) {
        var cookie = driver.manage().getCookieNamed(name);
        return cookie == null ? null : cookie.getValue();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
