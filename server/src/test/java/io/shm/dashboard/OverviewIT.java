package io.shm.dashboard;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Browser;
import io.shm.testing.Deployments;
import io.shm.testing.Rows;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Overview built around time, and the list of every application, in a real headless Chromium.
 * The install base is a hand-built fleet written into the database as the snapshot statement would
 * have left it (each instance's daily rows), then rolled up by the server; T is today (UTC):
 *
 * <ul>
 *   <li>I5: version 0.9, one report on T-31: active until T-2, churns on T-1;</li>
 *   <li>I1: first seen T-2, reports T-2 and T-1 (1.0), T (1.1);</li>
 *   <li>I2: first seen T-2, reports T-2 (1.0);</li>
 *   <li>I3: first seen T-1, reports T-1 and T (1.1);</li>
 *   <li>I4: first seen T, reports T (1.1).</li>
 * </ul>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OverviewIT {

    /** Inserts the fleet in one statement, so that the minute's rollup run sees all of it or none. */
    private static final String FLEET = """
            WITH t AS (SELECT CAST(now() AT TIME ZONE 'UTC' AS date) AS today),
            app AS (INSERT INTO application (slug, name, created_at, updated_at) VALUES (?, ?, now(), now()) RETURNING id),
            plan (tag, first_day, last_day) AS (VALUES ('i1', 2, 0), ('i2', 2, 2), ('i3', 1, 0), ('i4', 0, 0), ('i5', 40, 31)),
            inst AS (
                INSERT INTO instance (instance_id, public_key, application_id, app_version, environment, status, first_seen, last_seen)
                SELECT gen_random_uuid(), decode(repeat('00', 32), 'hex'), app.id, '', plan.tag, 'ACTIVE',
                       CAST(t.today - plan.first_day AS timestamp) AT TIME ZONE 'UTC' + interval '1 minute',
                       CASE WHEN plan.last_day = 0 THEN now()
                            ELSE CAST(t.today - plan.last_day AS timestamp) AT TIME ZONE 'UTC' + interval '1 hour' END
                  FROM app, plan, t
                RETURNING id, application_id, environment),
            reports (tag, days_ago, version) AS (VALUES ('i1', 2, '1.0'), ('i1', 1, '1.0'), ('i1', 0, '1.1'), ('i2', 2, '1.0'),
                                                        ('i3', 1, '1.1'), ('i3', 0, '1.1'), ('i4', 0, '1.1'), ('i5', 31, '0.9'))
            INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
            SELECT inst.id, 'd', CAST(t.today - reports.days_ago AS timestamp) AT TIME ZONE 'UTC', inst.application_id,
                   reports.version, '{}'::jsonb, now()
              FROM inst JOIN reports ON reports.tag = inst.environment CROSS JOIN t""";

    private static HttpServer github;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private Browser browser;
    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    /** GitHub's API as the server is configured to reach it in tests: one repository with 77 stars. */
    @BeforeAll
    static void startGitHub() throws IOException {
        github = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.getInteger("shm.test.github.port")), 0);
        github.createContext("/", exchange -> {
            boolean known = exchange.getRequestURI().getPath().startsWith("/repos/example/overview-");
            byte[] body = (known ? "{\"stargazers_count\":77}" : "{\"message\":\"Not Found\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        github.start();
    }

    @AfterAll
    static void stopGitHub() {
        github.stop(0);
    }

    @BeforeEach
    void openBrowser() {
        browser = new Browser(base);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void theOverviewDrawsTheInstallBaseAndVersionAdoptionDayByDay() {
        String app = handBuiltFleet();
        login(browser);

        browser.open("/app/index.xhtml?app=" + app + "&period=7d");
        browser.waitUntil("document.documentElement.dataset.chartsDrawn");

        assertEquals(List.of(1L, 1L, 1L, 1L, 3L, 3L, 4L), data("install-base-chart", 0), "active per day, T-6 to T");
        assertEquals(List.of(0L, 0L, 0L, 0L, 2L, 1L, 1L), data("flow-chart", 0), "new per day");
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 1L, 0L), data("flow-chart", 1), "churned per day");
        assertEquals(7L, browser.script("return Chart.getChart(document.getElementById('install-base-chart')).data.labels.length;"));
        assertEquals(List.of("1.0", "0.9", "1.1"),
                browser.script("return Chart.getChart(document.getElementById('version-chart')).data.datasets.map(d => d.label);"));
        @SuppressWarnings("unchecked")
        List<Number> sums = (List<Number>) browser.script("""
                const chart = Chart.getChart(document.getElementById('version-chart'));
                return chart.data.labels.map((label, i) => chart.data.datasets.reduce((sum, d) => sum + d.data[i], 0));""");
        assertEquals(7, sums.size(), "a share on every day with an active instance: " + sums);
        sums.forEach(sum -> assertEquals(100.0, sum.doubleValue(), 1e-9, "shares add up to 100 % every day: " + sums));
        assertEquals(List.of(25.0, 0.0, 75.0), lastShares(), "on T: I2 on 1.0; I1, I3, I4 on 1.1");
        String half = browser.textOf("time-to-half");
        assertTrue(half.contains("less than a day") && half.contains("2 versions"), half);
        assertTrue(browser.textOf("instance-count").equals("4 active instances"), browser.textOf("instance-count"));
        assertTrue(browser.driver().getTitle().startsWith("Overview fleet " + app.substring(9)), browser.driver().getTitle());
        String environments = browser.text(".shm-dist[data-key='environment']");
        assertTrue(environments.contains("i1") && environments.contains("25.0 %"), environments);
        assertTrue(browser.text(".shm-period-current").equals("7 days"));
        browser.screenshot("overview-install-base");

        browser.open("/app/index.xhtml?app=" + app + "&period=all");
        browser.waitUntil("document.documentElement.dataset.chartsDrawn");
        assertEquals(32L, browser.script("return Chart.getChart(document.getElementById('install-base-chart')).data.labels.length;"),
                "all time: from the first daily report, T-31, to T");
    }

    @Test
    void everyApplicationIsARowThatLinksToItsOverview() {
        String app = handBuiltFleet();
        login(browser);

        browser.open("/app/fleet.xhtml");
        String row = "#fleet tr[data-slug='" + app + "']";
        String text = browser.text(row);
        assertTrue(text.contains("1.1") && text.contains("75.0 %"), "the newest version and its share: " + text);
        assertEquals("30", browser.find(row + " svg.shm-spark").getAttribute("data-points"),
                "a point per day of the last 30, all recorded since T-31");
        browser.screenshot("fleet");
        browser.find(row + " a.shm-app-link").click();
        browser.waitUntil("location.search.indexOf('app=" + app + "') >= 0 && document.documentElement.dataset.chartsDrawn");
        assertTrue(browser.text("h1").startsWith("Overview fleet"), browser.text("h1"));
    }

    @Test
    void countsUsePluralFormsInEnglishAndFrench() throws Exception {
        String app = "plural-" + UUID.randomUUID().toString().substring(0, 8);
        ShmClient client = activeClient(base, app, "1.0");
        assertEquals(202, client.snapshot(start, metrics("users_count", 5)).status());
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups", null));
        login(browser);

        browser.open("/app/index.xhtml?app=" + app);
        assertEquals("1 active instance", browser.textOf("instance-count"));
        String card = browser.text(".shm-kpi[data-key='users_count']");
        assertTrue(card.contains("1 instance reports it"), card);
        browser.waitUntil("document.documentElement.dataset.chartsDrawn");
        assertEquals(1L, browser.script("return Chart.getChart(document.getElementById('install-base-chart')).data.labels.length;"));

        try (Browser french = new Browser(base, "fr-FR")) {
            login(french);
            french.open("/app/index.xhtml?app=" + app);
            assertEquals("1 instance active", french.textOf("instance-count"));
            String carte = french.text(".shm-kpi[data-key='users_count']");
            assertTrue(carte.contains("1 instance la remonte"), carte);
            french.screenshot("overview-fr");
        }
    }

    @Test
    void theHeaderLinksToTheRepositoryAndRefreshesItsStars() throws Exception {
        String app = "overview-" + UUID.randomUUID().toString().substring(0, 8);
        activeClient(base, app, "1.0");
        String repository = "https://github.com/example/" + app;
        AdminClient.ok(AdminClient.withTestToken(base).put("/api/v1/admin/applications/" + app,
                "{\"github_url\":\"" + repository + "\",\"logo_url\":\"https://example.org/logo.png\"}"));
        login(browser);

        browser.open("/app/index.xhtml?app=" + app);
        assertEquals(repository, browser.byId("repository").getAttribute("href"));
        assertEquals("https://example.org/logo.png", browser.byId("logo").getAttribute("src"));
        assertEquals("–", browser.textOf("star-count"), "no stars read yet");

        browser.clickAndWaitForNextPage("stars:refresh-stars");

        assertEquals("77", browser.textOf("star-count"));
        assertEquals(77L, Rows.number("SELECT github_stars FROM application WHERE slug = ?", app));
        browser.screenshot("overview-stars");
    }

    @Test
    void theKeysMostInstancesReportAreCardsAndEveryKeyIsOneClickAway() throws Exception {
        String app = "keys-" + UUID.randomUUID().toString().substring(0, 8);
        Object[] all = new Object[2 * 26];
        for (int i = 0; i < 26; i++) {
            all[2 * i] = String.format("key_%02d", i);
            all[2 * i + 1] = i;
        }
        assertEquals(202, activeClient(base, app, "1.0").snapshot(start, metrics(all)).status());
        assertEquals(202, activeClient(base, app, "1.0").snapshot(start, metrics("key_24", 1, "key_25", 1)).status());
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups", null));
        login(browser);

        browser.open("/app/index.xhtml?app=" + app + "&period=7d");
        browser.waitUntil("document.documentElement.dataset.chartsDrawn");
        List<String> shown = cardKeys();
        assertEquals(24, shown.size(), "the first 24 of 26 keys: " + shown);
        assertEquals(List.of("key_24", "key_25", "key_00"), shown.subList(0, 3), "those two instances report first: " + shown);
        assertTrue(!shown.contains("key_22") && !shown.contains("key_23"), "the last by name of those one instance reports: " + shown);
        assertEquals("The 24 keys that most instances report, of 26. Show every key", browser.textOf("more-keys"));

        browser.clickAndWaitForNextPage("all-keys");
        browser.waitUntil("document.documentElement.dataset.chartsDrawn");
        assertEquals(26, cardKeys().size());
        assertTrue(browser.driver().findElements(org.openqa.selenium.By.id("more-keys")).isEmpty());
        String ninetyDays = browser.driver().findElements(org.openqa.selenium.By.cssSelector("#periods a")).get(2)
                .getAttribute("href");
        assertTrue(ninetyDays.contains("period=90d") && ninetyDays.contains("keys=all"), "another period keeps every key: " + ninetyDays);
    }

    @SuppressWarnings("unchecked")
    private List<String> cardKeys() {
        return (List<String>) browser.script("return [...document.querySelectorAll('#kpis .shm-kpi')].map(c => c.dataset.key);");
    }

    @Test
    void theMetricsPageDrawsEqualValuesAsOneBarAOnePointSeriesAsAPointAndComparesWeeks() throws Exception {
        String app = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 2; i++) {
            assertEquals(202, activeClient(base, app, "1.0").snapshot(start, metrics("users_count", 42)).status());
        }
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups", null));
        login(browser);

        browser.open("/app/metrics.xhtml?app=" + app);
        browser.waitUntil("window.Chart && Chart.getChart(document.getElementById('metrics:histogram_canvas'))");
        assertEquals(List.of("42"), browser.script(
                "return Chart.getChart(document.getElementById('metrics:histogram_canvas')).data.labels;"),
                "two instances with the same value: one bar, labelled with the value");
        assertEquals(List.of(2L), browser.script(
                "return Chart.getChart(document.getElementById('metrics:histogram_canvas')).data.datasets[0].data;"));
        browser.waitUntil("Chart.getChart(document.getElementById('metrics:series_canvas'))");
        assertEquals("users_count", browser.script(
                "return Chart.getChart(document.getElementById('metrics:series_canvas')).data.datasets[0].label;"));
        assertEquals("users_count: 84", browser.textOf("single-values"), "a series of one point says its value");
        assertEquals(5L, browser.script(
                "return Chart.getChart(document.getElementById('metrics:series_canvas')).data.datasets[0].pointRadius;"));
        browser.waitUntil("Chart.getChart(document.getElementById('metrics:compare-chart_canvas'))");
        @SuppressWarnings("unchecked")
        List<List<Object>> weeks = (List<List<Object>>) browser.script(
                "return Chart.getChart(document.getElementById('metrics:compare-chart_canvas')).data.datasets.map(d => d.data);");
        assertEquals(7, weeks.get(0).size());
        assertEquals(84L, weeks.get(0).get(6), "today is the last day of this week: " + weeks);
        assertTrue(weeks.get(1).stream().allMatch(java.util.Objects::isNull), "nothing the week before: " + weeks);
        assertTrue(browser.driver().getTitle().contains(app), browser.driver().getTitle());
        browser.screenshot("metrics-few-values");
    }

    /** The hand-built fleet in an application of its own, rolled up by the server; its slug. */
    private String handBuiltFleet() {
        String slug = "overview-" + UUID.randomUUID().toString().substring(0, 8);
        Rows.update(FLEET, slug, "Overview fleet " + slug.substring(9));
        AdminClient.ok(AdminClient.withTestToken(base).post("/api/v1/admin/maintenance/rollups?since="
                + Instant.now().minus(1, ChronoUnit.HOURS), null));
        return slug;
    }

    @SuppressWarnings("unchecked")
    private List<Long> data(String canvas, int dataset) {
        List<Number> values = (List<Number>) browser.script(
                "return Chart.getChart(document.getElementById(arguments[0])).data.datasets[arguments[1]].data;", canvas, dataset);
        return values.stream().map(Number::longValue).toList();
    }

    @SuppressWarnings("unchecked")
    private List<Double> lastShares() {
        List<Number> values = (List<Number>) browser.script("""
                const chart = Chart.getChart(document.getElementById('version-chart'));
                return chart.data.datasets.map(d => d.data[d.data.length - 1]);""");
        return values.stream().map(Number::doubleValue).toList();
    }

    private void login(Browser on) {
        on.open("/login.xhtml");
        on.byId("login:username").sendKeys("admin");
        on.byId("login:password").sendKeys(DashboardIT.PASSWORD);
        on.clickAndWaitForNextPage("login:submit");
    }
}
