package io.shm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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

    /** Opens the page and returns once it has loaded (its scripts run, its {@code load} event fired). */
    public void open(String path) {
        driver.get(Http.resolve(base, path).toString());
        waitUntil("document.readyState === 'complete'");
    }

    /**
     * The element, once it is in the page. It belongs to the page shown now: read it at once, or use
     * {@link #text(String)}, {@link #click(String)}, {@link #type(String, String)}, which find it again
     * when the page replaced it.
     */
    public WebElement find(String css) {
        return waitFor(By.cssSelector(css));
    }

    public WebElement byId(String id) {
        return waitFor(By.id(id));
    }

    /** Waits for an element; when it never comes, the page is saved as a screenshot for whoever reads the failure. */
    private WebElement waitFor(By locator) {
        return until(d -> d.findElement(locator));
    }

    public void waitFor(String css) {
        find(css);
    }

    /**
     * Waits until {@code javascriptCondition} holds in the page shown. The condition is asked again
     * when it throws: it may read an element of a page still being built, or run in a page that is
     * being left.
     */
    public void waitUntil(String javascriptCondition) {
        until(d -> Boolean.TRUE.equals(script("return !!(" + javascriptCondition + ");")) ? Boolean.TRUE : null);
    }

    /** The visible text of the element {@code css} names, read from the page shown now, once it is there. */
    public String text(String css) {
        return until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    /** The visible text of the element with this id, once it is there. */
    public String textOf(String id) {
        return until(d -> d.findElement(By.id(id)).getText());
    }

    /** Clicks the element with this id once it can be clicked, for an action that stays on the page. */
    public void click(String id) {
        until(d -> {
            WebElement element = d.findElement(By.id(id));
            if (!element.isDisplayed() || !element.isEnabled()) {
                return null;
            }
            element.click();
            return Boolean.TRUE;
        });
    }

    /** Types into the element with this id. */
    public void type(String id, String text) {
        until(d -> {
            d.findElement(By.id(id)).sendKeys(text);
            return Boolean.TRUE;
        });
    }

    /**
     * Clicks the element and waits until the page it leads to has loaded: the page the click left is
     * marked, and the wait ends when a page without the mark is complete, so nothing is read from the
     * page being left.
     */
    public void clickAndWaitForNextPage(String id) {
        script("window.__shmPageLeft = true;");
        click(id);
        waitUntil("window.__shmPageLeft === undefined && document.readyState === 'complete'");
    }

    /**
     * Asks {@code condition} until it answers something other than null or false. A page replaced while
     * it is asked (a navigation, an update of part of it) makes it ask again rather than fail: an element
     * found in the page being left is stale, and a script run there may lose its page.
     */
    private <T> T until(java.util.function.Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT)
                    .ignoring(NoSuchElementException.class)
                    .ignoring(StaleElementReferenceException.class)
                    .ignoring(JavascriptException.class)
                    .ignoring(ElementNotInteractableException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            screenshot("failed-" + System.currentTimeMillis());
            throw e;
        }
    }

    /**
     * Makes pages see the system preferring dark colours, or light ones ({@code prefers-color-scheme}),
     * as a visitor's operating system would.
     */
    public void preferDarkColors(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features",
                java.util.List.of(java.util.Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /** The text of the whole page shown now, once it has loaded. */
    public String text() {
        return until(d -> "complete".equals(script("return document.readyState;"))
                ? d.findElement(By.tagName("body")).getText() : null);
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
