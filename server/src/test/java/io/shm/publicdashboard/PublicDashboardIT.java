package io.shm.publicdashboard;

import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.application.entity.Application;
import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Browser;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.Rows;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * An application's public page, {@code /public/{slug}}: off by default and then the same 404 as an
 * unknown slug; switched on through the admin API or the dashboard; showing counts and shares, the
 * keys chosen and nothing else, never an instance; cached with an ETag; escaped. Its rate limit is
 * proven in {@code RateLimitIT}, on the deployment with rate limits on.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PublicDashboardIT {

    static final String PASSWORD = System.getProperty("shm.test.admin.password");
    static final String HOSTILE_HTML = "<img src=x onerror=window.__xss=1>";
    static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /**
     * A fleet of three instances that reported on each of the last three days, one version ahead on two
     * of them. Ingest files a snapshot under the day it is received, so the two earlier days' rows are
     * written as the snapshot statement writes them, before the rollup job runs.
     */
    private Fleet fleet(String version) throws Exception {
        String name = "Public " + UUID.randomUUID().toString().substring(0, 8);
        List<ShmClient> clients = new ArrayList<>();
        String[][] platforms = {{"1.0", "linux/amd64"}, {version, "linux/arm64"}, {version, "linux/amd64"}};
        for (String[] platform : platforms) {
            ShmClient client = newClient(base);
            assertEquals(201, client.register(name, platform[0], "docker", "production", platform[1]).status());
            assertEquals(200, client.activate().status());
            assertEquals(202, client.snapshot(now.minusSeconds(60), metrics("users", 10, "secret_sauce", 99, "plan", "pro",
                    HOSTILE_HTML, 5, "sys_cpu", 4)).status());
            clients.add(client);
        }
        String slug = Application.slugOf(name);
        Rows.update("""
                INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
                SELECT b.instance_id, 'd', b.bucket_start - make_interval(days => d), b.application_id, b.app_version, b.metrics, now()
                  FROM instance_bucket b CROSS JOIN generate_series(1, 2) d
                 WHERE b.width = 'd' AND b.application_id = (SELECT id FROM application WHERE slug = ?)""", slug);
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null));
        return new Fleet(slug, clients);
    }

    private record Fleet(String slug, List<ShmClient> clients) {
    }

    private AdminClient admin() {
        return AdminClient.withTestToken(base);
    }

    private HttpResponse<String> page(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(Http.resolve(base, path)).GET().timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return Http.send(request.build());
    }

    /** Every header but the date, by lower-case name. */
    private static Map<String, List<String>> headersButDate(HttpResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("date")) {
                headers.put(name.toLowerCase(Locale.ROOT), values);
            }
        });
        return headers;
    }

    @Test
    void aPageThatIsOffIsTheSame404AsAnUnknownSlug() throws Exception {
        Fleet fleet = fleet("2.0");
        JsonObject application = admin().object("/api/v1/admin/applications/" + fleet.slug());
        assertFalse(application.getBoolean("public_dashboard"), "off by default");
        assertTrue(application.getJsonArray("public_keys").isEmpty(), "no key by default");

        HttpResponse<String> off = page("/public/" + fleet.slug());
        HttpResponse<String> unknown = page("/public/no-such-app-" + UUID.randomUUID().toString().substring(0, 8));

        assertEquals(404, off.statusCode());
        assertEquals(404, unknown.statusCode());
        assertEquals(unknown.body(), off.body());
        assertEquals(headersButDate(unknown), headersButDate(off));
        assertFalse(off.body().contains(fleet.slug()));

        // Switched on, then off again: gone at once, the same 404 again.
        AdminClient.ok(admin().put("/api/v1/admin/applications/" + fleet.slug(), "{\"public_dashboard\": true}"));
        assertEquals(200, page("/public/" + fleet.slug()).statusCode());
        AdminClient.ok(admin().put("/api/v1/admin/applications/" + fleet.slug(), "{\"public_dashboard\": false}"));
        HttpResponse<String> offAgain = page("/public/" + fleet.slug());
        assertEquals(404, offAgain.statusCode());
        assertEquals(unknown.body(), offAgain.body());
        assertEquals(headersButDate(unknown), headersButDate(offAgain));
    }

    @Test
    void theChosenKeysAndOnlyThemAreShownWithCountsAndSharesButNoInstance() throws Exception {
        Fleet fleet = fleet(HOSTILE_HTML);
        HttpResponse<String> put = admin().put("/api/v1/admin/applications/" + fleet.slug(),
                "{\"public_dashboard\": true, \"public_keys\": [\"users\", \"plan\", " + jsonString(HOSTILE_HTML) + "]}");
        JsonObject changed = ((JsonObject) AdminClient.ok(put)).getJsonObject("application");
        assertTrue(changed.getBoolean("public_dashboard"));
        assertEquals(List.of(HOSTILE_HTML, "plan", "users"), changed.getJsonArray("public_keys").getValuesAs(
                jakarta.json.JsonString::getString));

        HttpResponse<String> page = page("/public/" + fleet.slug());

        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html;charset=utf-8", page.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT));
        String html = page.body();
        assertTrue(html.contains("data-key=\"users\"") && html.contains("data-key=\"plan\""), "the chosen keys");
        assertTrue(html.contains("3 active instances"), "counts");
        assertFalse(html.contains("secret_sauce"), "a key not chosen is not shown");
        assertFalse(html.contains("sys_cpu"), "no system key");
        assertFalse(html.contains(HOSTILE_HTML), "escaped, never markup");
        assertTrue(html.contains("&lt;img src=x onerror=window.__xss=1&gt;"), "the hostile version and key are shown as text");
        for (String instanceId : registeredInstanceIds()) {
            assertFalse(html.toLowerCase(Locale.ROOT).contains(instanceId) || html.contains(instanceId.replace("-", "")),
                    "no instance id in the page: " + instanceId);
        }
        assertFalse(UUID_TEXT.matcher(html).find(), "nothing that looks like an instance id");
        assertFalse(html.contains("<script"), "no script at all");
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("default-src 'none'") && !policy.contains("unsafe-inline") && !policy.contains("script-src"), policy);

        try (Browser browser = new Browser(base)) {
            browser.open("/public/" + fleet.slug());
            assertEquals("3 active instances", browser.textOf("active"));
            String users = browser.text("[data-key='users']");
            assertTrue(users.contains("30"), "the fleet total of users (10 for each of three): " + users);
            assertEquals(3L, browser.script("return document.querySelectorAll('#install-base-table tbody tr').length;"),
                    "a row a day: " + browser.script("return document.getElementById('install-base-table').textContent;"));
            String plan = browser.text("[data-key='plan']");
            assertTrue(plan.contains("pro") && plan.contains("100%"), plan);
            assertEquals(3L, browser.script("return document.querySelectorAll('#install-base-chart polyline')[0]"
                    + ".getAttribute('points').trim().split(' ').length;"), "one point a day, three days");
            String osArch = browser.textOf("os-arch-values");
            assertTrue(osArch.contains("linux/amd64") && osArch.contains("2") && osArch.contains("linux/arm64"), osArch);
            String versions = browser.textOf("versions");
            assertTrue(versions.contains(HOSTILE_HTML) && versions.contains("66.7%") && versions.contains("33.3%"), versions);
            assertTrue(browser.driver().findElements(By.cssSelector("img[src='x']")).isEmpty(), "no injected element");
            assertEquals(Boolean.TRUE, browser.script("return window.__xss === undefined;"));
            assertEquals("rgb(255, 255, 255)", browser.script(
                    "return getComputedStyle(document.querySelector('.shm-public-section')).backgroundColor;"), "its stylesheet loads");
            browser.screenshot("public");
            browser.preferDarkColors(true);
            assertEquals("rgb(23, 33, 43)", browser.script(
                    "return getComputedStyle(document.querySelector('.shm-public-section')).backgroundColor;"), "dark when the system is");
            browser.screenshot("public-dark");
        }
    }

    @Test
    void thePageIsCachedWithAnEntityTagAndSpeaksFrench() throws Exception {
        Fleet fleet = fleet("3.0");
        AdminClient.ok(admin().put("/api/v1/admin/applications/" + fleet.slug(), "{\"public_dashboard\": true}"));

        HttpResponse<String> first = page("/public/" + fleet.slug());
        String etag = first.headers().firstValue("ETag").orElse(null);

        assertEquals(200, first.statusCode());
        assertNotNull(etag);
        assertEquals(List.of("public, max-age=300"), first.headers().allValues("Cache-Control"));
        assertTrue(first.headers().firstValue("Vary").orElse("").contains("Accept-Language"));
        HttpResponse<String> again = page("/public/" + fleet.slug(), "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(etag, again.headers().firstValue("ETag").orElse(null));
        HttpResponse<String> french = page("/public/" + fleet.slug(), "Accept-Language", "fr-FR,fr;q=0.9");
        assertTrue(french.body().contains("3 instances actives") && french.body().contains("lang=\"fr\""), french.body());
        assertFalse(etag.equals(french.headers().firstValue("ETag").orElse(null)), "each language its own tag");
    }

    @Test
    void theAdminApiRefusesBadBodiesAndChangesNothing() throws Exception {
        Fleet fleet = fleet("4.0");
        String path = "/api/v1/admin/applications/" + fleet.slug();
        AdminClient.ok(admin().put(path, "{\"public_dashboard\": true, \"public_keys\": [\"users\"]}"));

        for (String body : List.of("{\"public_dashboard\": \"yes\"}", "{\"public_dashboard\": null}",
                "{\"public_keys\": \"users\"}", "{\"public_keys\": [1]}", "{\"public_keys\": [\"sys_cpu\"]}",
                "{\"public_keys\": [\"never_reported\"]}", "{\"public_keys\": [\"plan\", \"plan\"]}",
                "{\"public_keys\": [\"\"]}", "{\"public_dashboard\": false, \"public_keys\": [\"never_reported\"]}",
                "{\"public_dashboard\": false, \"github_url\": \"https://example.com/x\"}", "[true]", "not json")) {
            HttpResponse<String> refused = admin().put(path, body);
            assertEquals(400, refused.statusCode(), body + " -> " + refused.body());
            JsonObject problem = (JsonObject) AdminClient.parse(refused.body());
            assertTrue(List.of("invalid_parameter", "not_json", "not_an_object").contains(problem.getString("reason")), refused.body());
        }
        JsonObject unchanged = admin().object(path);
        assertTrue(unchanged.getBoolean("public_dashboard"), "nothing changed: " + unchanged);
        assertEquals(List.of("users"), unchanged.getJsonArray("public_keys").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(404, admin().put("/api/v1/admin/applications/no-such-app", "{\"public_dashboard\": true}").statusCode());
        assertEquals(401, Http.send(HttpRequest.newBuilder(Http.resolve(base, path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"public_dashboard\": false}")).build()).statusCode());
        AdminClient.ok(admin().put(path, "{\"public_keys\": null}"));
        assertTrue(admin().object(path).getJsonArray("public_keys").isEmpty(), "null: no key");
    }

    @Test
    void theDashboardSwitchesThePageOnWithItsKeysAndOffAgain() throws Exception {
        Fleet fleet = fleet("5.0");
        try (Browser browser = new Browser(base)) {
            browser.open("/app/public.xhtml?app=" + fleet.slug());
            browser.type("login:username", "admin");
            browser.type("login:password", PASSWORD);
            browser.clickAndWaitForNextPage("login:submit");
            String choices = browser.textOf("public:keys");
            assertTrue(choices.contains("users") && choices.contains("plan"), choices);
            assertFalse(choices.contains("sys_cpu"), "system keys are not offered: " + choices);
            browser.click("public:enabled");
            browser.script("document.querySelector(\"input[name='public:keys'][value='users']\").click();");
            browser.click("public:save");
            browser.waitUntil("document.getElementById('address') !== null");
            browser.screenshot("public-settings");

            browser.clickAndWaitForNextPage("address");
            assertTrue(browser.url().endsWith("/public/" + fleet.slug()), browser.url());
            assertTrue(browser.text("[data-key='users']").contains("30"));
            assertTrue(browser.driver().findElements(By.cssSelector("[data-key='plan']")).isEmpty(), "only the key ticked");

            browser.open("/app/public.xhtml?app=" + fleet.slug());
            browser.click("public:enabled");
            browser.click("public:save");
            browser.waitUntil("document.getElementById('address') === null");
            assertEquals(404, page("/public/" + fleet.slug()).statusCode());
        }
    }

    /** Every instance id the server holds, of this test's fleets and any other. */
    private static List<String> registeredInstanceIds() {
        Object ids = Rows.query("SELECT string_agg(instance_id::text, ' ') AS ids FROM instance").get("ids");
        return List.of(ids.toString().split(" "));
    }

    private static String jsonString(String text) {
        return jakarta.json.Json.createValue(text).toString();
    }
}
