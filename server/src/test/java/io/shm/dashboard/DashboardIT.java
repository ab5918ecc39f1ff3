package io.shm.dashboard;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Browser;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.Rows;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The dashboard in a real headless Chromium against the deployed WAR: login, logout and the slowing of failed logins; a
 * key never seen before shows up as card, column and chart series; revoking in the UI refuses the
 * instance's next snapshot; hostile strings from clients stay text. Screenshots of every page land in
 * {@code target/screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DashboardIT {

    static final String PASSWORD = System.getProperty("shm.test.admin.password");
    static final String HOSTILE_HTML = "<img src=x onerror=window.__xss=1>";
    static final String HOSTILE_SCRIPT = "</script><script>window.__xss=2</script>";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private Browser browser;
    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void openBrowser() {
        browser = new Browser(base);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void pagesNeedALoginWhichRenewsTheSessionAndLogoutEndsIt() {
        browser.open("/app/instances.xhtml");
        browser.byId("login:username");
        assertFalse(browser.text().contains("Instances"), "the login form, not the page: " + browser.text());
        browser.screenshot("login");
        String before = browser.cookie("JSESSIONID");

        submitLogin("admin", PASSWORD);

        assertTrue(browser.url().contains("/app/instances.xhtml"), "back to the page asked for: " + browser.url());
        assertNotEquals(before, browser.cookie("JSESSIONID"), "a new session id at login");
        var cookie = browser.driver().manage().getCookieNamed("JSESSIONID");
        assertTrue(cookie.isHttpOnly());
        assertEquals("Lax", cookie.getSameSite());

        // Settings is a protected view: opened by its address rather than the menu's link, the Overview.
        browser.open("/app/applications.xhtml");
        browser.waitUntil("location.pathname.endsWith('/app/index.xhtml')");
        browser.byId("nav-applications");

        browser.clickAndWaitForNextPage("session:logout");
        browser.byId("logged-out");
        browser.open("/app/");
        browser.byId("login:username");
        assertEquals(401, Http.get(base, "/api/v1/admin/stats").statusCode(), "the admin API needs a token or a login");
    }

    @Test
    void fiveFailedLoginsMakeThatAddressWaitLongerAndLongerWithoutLockingTheAccount() {
        String user = "lock" + UUID.randomUUID().toString().substring(0, 6);
        login("admin", PASSWORD);
        browser.clickAndWaitForNextPage("nav-applications");
        browser.type("accounts:username", user);
        browser.type("accounts:password", "a-long-enough-password");
        browser.click("accounts:add");
        browser.waitUntil("document.body.innerText.indexOf('" + user + "') >= 0");
        browser.screenshot("settings");
        browser.clickAndWaitForNextPage("session:logout");
        browser.byId("logged-out");

        for (int i = 0; i < 5; i++) {
            login(user, "wrong-password-" + i);
            assertTrue(loginMessage().contains("Wrong user name or password"), loginMessage());
        }
        login(user, "a-long-enough-password");
        long firstWait = secondsToWait(loginMessage());
        login(user, "a-long-enough-password");
        long secondWait = secondsToWait(loginMessage());

        assertTrue(firstWait >= 60, "at least a minute after five failures: " + firstWait);
        assertTrue(secondWait > firstWait, "each attempt while waiting makes the wait longer: " + firstWait + ", " + secondWait);
        browser.screenshot("login-throttled");
        browser.open("/app/");
        browser.byId("login:username");
        assertEquals(0, Rows.number("SELECT count(*) FROM account WHERE username = ? AND last_login_at IS NOT NULL", user),
                "the right password was never checked while the address had to wait");
    }

    /** The message the login page shows after a refused login. */
    private String loginMessage() {
        return browser.text("[id='login:messages'] .ui-messages-error-summary");
    }

    private static long secondsToWait(String message) {
        java.util.regex.Matcher seconds = java.util.regex.Pattern.compile("try again in (\\d+) seconds").matcher(message);
        assertTrue(seconds.find(), message);
        return Long.parseLong(seconds.group(1));
    }

    @Test
    void aKeyNeverSeenBeforeShowsUpAsCardColumnAndSeries() throws Exception {
        String app = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        String key = "widgets_" + UUID.randomUUID().toString().substring(0, 6).replace('-', 'x');
        ShmClient client = activeClient(base, app, "1.0");
        assertEquals(202, client.snapshot(start, metrics(key, 42, "sys_cpu", 3)).status());
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups", null));
        login("admin", PASSWORD);

        browser.open("/app/index.xhtml?app=" + app);
        String card = browser.text(".shm-kpi[data-key='" + key + "']");
        assertTrue(card.contains("42"), card);
        browser.screenshot("overview");
        browser.clickAndWaitForNextPage("session:theme");
        assertTrue((Boolean) browser.script("return document.documentElement.classList.contains('shm-dark');"));
        browser.screenshot("overview-dark");
        browser.clickAndWaitForNextPage("session:theme");
        assertTrue((Boolean) browser.script("return document.documentElement.classList.contains('shm-light');"));

        browser.open("/app/instances.xhtml?app=" + app);
        browser.waitUntil("document.querySelector('[id$=\"table\"] thead').innerText.indexOf('" + key + "') >= 0");
        assertTrue(browser.text("[id$='table'] tbody").contains("42"));
        browser.screenshot("instances");
        Object csv = browser.script("return fetch(arguments[0]).then(r => r.status + ' ' + r.headers.get('Content-Type'));",
                "/api/v1/admin/export/instances?format=csv&app=" + app);
        assertEquals("200 text/csv;charset=utf-8", csv, "the export link works with the dashboard login");
        Object revoke = browser.script("return fetch(arguments[0], {method: 'POST'}).then(r => r.status);",
                "/api/v1/admin/instances/" + client.identity().instanceId() + "/revoke");
        assertEquals(401L, revoke, "changes through the API need a token, even signed in");

        browser.open("/app/metrics.xhtml?app=" + app);
        browser.waitUntil("window.Chart && Chart.getChart(document.getElementById('metrics:series_canvas'))");
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) browser.script(
                "return Chart.getChart(document.getElementById('metrics:series_canvas')).data.datasets[0].data;");
        assertTrue(values.stream().anyMatch(v -> v instanceof Number n && n.intValue() == 42), values.toString());
        assertEquals(key, browser.script("return Chart.getChart(document.getElementById('metrics:series_canvas')).data.datasets[0].label;"));
        assertTrue((Boolean) browser.script("""
                const canvas = document.getElementById('metrics:series_canvas');
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
                return false;"""), "the canvas is drawn");
        browser.screenshot("metrics");
    }

    @Test
    void revokingAnInstanceInTheDashboardRefusesItsNextSnapshot() throws Exception {
        ShmClient client = activeClient(base, "revoke-ui-" + UUID.randomUUID().toString().substring(0, 8), "2.0");
        assertEquals(202, client.snapshot(start, metrics("users", 7)).status());
        login("admin", PASSWORD);

        browser.open("/app/instance.xhtml?id=" + client.identity().instanceId());
        browser.waitUntil("document.getElementById('instance:historyChart_canvas')");
        browser.screenshot("instance");
        browser.click("instance:revoke");
        browser.click("instance:confirm-yes");
        browser.waitUntil("document.getElementById('status').innerText.trim() === 'revoked'");

        assertEquals(403, client.snapshot(start.plusSeconds(1), metrics("users", 8)).status());
        assertEquals("REVOKED", Rows.instance(client.identity().instanceId()).get("status"));
    }

    @Test
    void theInstancePageShowsHowItsMetadataChanged() throws Exception {
        ShmClient client = activeClient(base, "history-ui-" + UUID.randomUUID().toString().substring(0, 8), "1.0");
        String signed = "{\"action\":\"activate\",\"timestamp\":\"" + ShmClient.timestamp(start)
                + "\",\"metadata\":{\"app_version\":\"" + HOSTILE_HTML + "\",\"deployment_mode\":\"docker\"}}";
        assertEquals(200, client.sendSigned("/v1/activate", signed.getBytes(java.nio.charset.StandardCharsets.UTF_8)).status());
        login("admin", PASSWORD);

        browser.open("/app/instance.xhtml?id=" + client.identity().instanceId());

        String history = browser.textOf("instance:metadata-history");
        assertTrue(history.contains("app_version: 1.0 \u2192 " + HOSTILE_HTML), history);
        assertTrue(history.contains("signed activate"), history);
        assertInert("instance history", true);
        browser.screenshot("instance-metadata-history");
    }

    @Test
    void hostileStringsFromClientsAreShownAsTextAndNeverRun() throws Exception {
        String app = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        ShmClient client = activeClient(base, app, HOSTILE_HTML);
        assertEquals(202, client.snapshot(start, metrics("note", HOSTILE_SCRIPT, "label", HOSTILE_HTML, "count", 1)).status());
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups", null));
        login("admin", PASSWORD);

        browser.open("/app/index.xhtml?app=" + app);
        browser.waitUntil("window.Chart && Chart.getChart(document.getElementById('version-chart'))");
        assertEquals(List.of(HOSTILE_HTML), browser.script(
                "return Chart.getChart(document.getElementById('version-chart')).data.datasets.map(d => d.label);"),
                "the version is a chart label as it was sent");
        assertInert("overview", false);

        browser.open("/app/instances.xhtml?app=" + app);
        browser.waitUntil("document.querySelector('[id$=\"table\"] tbody').innerText.indexOf('onerror') >= 0");
        String table = browser.text("[id$='table'] tbody");
        assertTrue(table.contains(HOSTILE_HTML) && table.contains(HOSTILE_SCRIPT), table);
        assertInert("instances", true);

        browser.open("/app/instance.xhtml?id=" + client.identity().instanceId());
        assertTrue(browser.textOf("metrics").contains(HOSTILE_SCRIPT), browser.textOf("metrics"));
        assertEquals(HOSTILE_HTML, browser.textOf("version"));
        assertInert("instance", true);

        browser.open("/app/metrics.xhtml?app=" + app);
        browser.byId("metrics:keys");
        assertInert("metrics", false);
    }

    @Test
    void metricKeysAreDataShownAsTextAndAMissingVersionIsUnknown() throws Exception {
        String app = "keys-" + UUID.randomUUID().toString().substring(0, 8);
        ShmClient client = newClient(base);
        assertEquals(201, client.register(app, null, null, null, null).status(), "no version, as the original's SDKs allow");
        assertEquals(200, client.activate().status());
        assertEquals(202, client.snapshot(start, metrics(HOSTILE_HTML, 5, HOSTILE_SCRIPT, 6, "Active Users", 7)).status());
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups", null));
        login("admin", PASSWORD);

        browser.open("/app/index.xhtml?app=" + app);
        browser.waitUntil("window.Chart && Chart.getChart(document.getElementById('version-chart'))");
        assertEquals(List.of("unknown"), browser.script(
                "return Chart.getChart(document.getElementById('version-chart')).data.datasets.map(d => d.label);"),
                "instances without a version are an area of their own");
        String cards = browser.textOf("kpis");
        assertTrue(cards.contains(HOSTILE_HTML) && cards.contains(HOSTILE_SCRIPT) && cards.contains("Active Users"), cards);
        assertInert("overview with hostile keys", true);
        browser.screenshot("overview-keys");

        browser.open("/app/instances.xhtml?app=" + app);
        browser.waitUntil("document.querySelector('[id$=\"table\"] thead').innerText.indexOf('onerror') >= 0");
        String head = browser.text("[id$='table'] thead");
        assertTrue(head.contains(HOSTILE_HTML) && head.contains(HOSTILE_SCRIPT) && head.contains("Active Users"), head);
        assertTrue(browser.text("[id$='table'] tbody").contains("unknown"), "the version column");
        assertInert("instances with hostile keys", true);

        browser.open("/app/instance.xhtml?id=" + client.identity().instanceId());
        assertTrue(browser.textOf("metrics").contains(HOSTILE_SCRIPT), browser.textOf("metrics"));
        assertEquals("unknown", browser.textOf("version"));
        assertInert("instance with hostile keys", true);

        browser.open("/app/metrics.xhtml?app=" + app);
        browser.waitUntil("window.Chart && Chart.getChart(document.getElementById('metrics:series_canvas'))");
        Object label = browser.script("return Chart.getChart(document.getElementById('metrics:series_canvas')).data.datasets[0].label;");
        assertTrue(List.of(HOSTILE_HTML, HOSTILE_SCRIPT, "Active Users").contains(label), "a key is a series label as it was sent: " + label);
        assertInert("metrics with hostile keys", false);
    }

    @Test
    void theDashboardSpeaksFrench() {
        try (Browser french = new Browser(base, "fr-FR")) {
            french.open("/login.xhtml");
            assertEquals("Connexion à SHM", french.text("h1"));
        }
    }

    /** No injected script ran, no injected element exists; where the page shows the strings, they are text. */
    private void assertInert(String page, boolean showsTheStrings) {
        assertEquals(Boolean.TRUE, browser.script("return window.__xss === undefined;"), "no script ran on " + page);
        assertTrue(browser.driver().findElements(By.cssSelector("img[src='x']")).isEmpty(), "no injected element on " + page);
        if (showsTheStrings) {
            assertTrue(browser.text().toLowerCase(Locale.ROOT).contains("onerror"), "the hostile text shows as text on " + page);
        }
    }

    private void login(String user, String password) {
        browser.open("/login.xhtml");
        submitLogin(user, password);
    }

    /** Fills the login form the browser shows now. */
    private void submitLogin(String user, String password) {
        browser.type("login:username", user);
        browser.type("login:password", password);
        browser.clickAndWaitForNextPage("login:submit");
    }
}
