package io.shm.admin;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.Rows;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API as an operator's script uses it: tokens, instance pages, detail and history, revoke
 * and delete, export, application settings and GitHub stars (from a local server standing in for
 * GitHub's API, on the port the server under test is configured with).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminApiIT {

    /** What the stand-in GitHub answers, by repository path: status and body. */
    private static final Map<String, Answer> GITHUB = new ConcurrentHashMap<>();
    private static final Map<String, String> GITHUB_AUTHORIZATION = new ConcurrentHashMap<>();
    private static HttpServer github;

    private record Answer(int status, String body, Map<String, String> headers) {
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    static void startGitHub() throws IOException {
        github = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.getInteger("shm.test.github.port")), 0);
        github.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            GITHUB_AUTHORIZATION.put(path, authorization == null ? "" : authorization);
            Answer answer = GITHUB.getOrDefault(path, new Answer(404, "{\"message\":\"Not Found\"}", Map.of()));
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        github.start();
    }

    @AfterAll
    static void stopGitHub() {
        github.stop(0);
    }

    // ---- tokens --------------------------------------------------------------------------------

    @Test
    void theAdminApiNeedsAValidToken() {
        assertRefused(401, "missing_token", new AdminClient(base, null).get("/api/v1/admin/stats"));
        HttpResponse<String> unknown = new AdminClient(base, "shm_not-a-token-at-all-000000000000").get("/api/v1/admin/stats");
        assertRefused(401, "unknown_token", unknown);
        assertEquals("Bearer realm=\"shm\"", unknown.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(200, admin().get("/api/v1/admin/stats").statusCode());
    }

    @Test
    void aCreatedTokenWorksUntilRevokedAndIsNeverListedAgain() {
        JsonObject created = AdminClient.ok(admin().post("/api/v1/admin/tokens", "{\"name\":\"ci script\"}")).asJsonObject();
        String secret = created.getString("token");
        assertTrue(secret.startsWith("shm_") && secret.length() > 40, secret);
        AdminClient script = new AdminClient(base, secret);
        assertEquals(200, script.get("/api/v1/admin/applications").statusCode());
        assertFalse(admin().get("/api/v1/admin/tokens").body().contains(secret), "secrets are shown once");
        assertEquals(1, Rows.number("SELECT count(*) FROM api_token WHERE name = 'ci script' AND last_used_at IS NOT NULL"));

        assertEquals(204, admin().delete("/api/v1/admin/tokens/" + created.getInt("id")).statusCode());

        assertRefused(403, "revoked_token", script.get("/api/v1/admin/applications"));
        assertRefused(400, "invalid_parameter", admin().post("/api/v1/admin/tokens", "{\"name\":\"\"}"));
        assertRefused(400, "not_json", admin().post("/api/v1/admin/tokens", "{name"));
        assertRefused(400, "not_an_object", admin().post("/api/v1/admin/tokens", "[]"));
        assertRefused(404, "not_found", admin().delete("/api/v1/admin/tokens/999999999"));
    }

    // ---- instances ------------------------------------------------------------------------------

    @Test
    void instancesComePagedFilteredAndSearched() throws Exception {
        String app = "list-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            ShmClient client = activeClient(base, app, i < 2 ? "2.0-beta" : "1.0");
            assertEquals(202, client.snapshot(start.plusSeconds(i), metrics("users", i)).status());
        }

        HttpResponse<String> firstPage = admin().get("/api/v1/admin/instances?app=" + app + "&limit=2&sort=app_version,asc");
        JsonArray page = AdminClient.ok(firstPage).asJsonArray();
        assertEquals(2, page.size());
        assertEquals("5", firstPage.headers().firstValue("X-Total-Count").orElse(""));
        assertEquals("1.0", page.getJsonObject(0).getString("app_version"));
        assertEquals("active", page.getJsonObject(0).getString("status"));
        assertTrue(page.getJsonObject(0).getJsonObject("metrics").containsKey("users"));
        assertEquals(1, admin().array("/api/v1/admin/instances?app=" + app + "&limit=2&offset=4").size());

        HttpResponse<String> beta = admin().get("/api/v1/admin/instances?app=" + app + "&q=BETA");
        assertEquals("2", beta.headers().firstValue("X-Total-Count").orElse(""), "search ignores case");
        assertEquals("0", admin().get("/api/v1/admin/instances?app=" + app + "&q=%25").headers()
                .firstValue("X-Total-Count").orElse(""), "% is searched literally");

        assertRefused(400, "invalid_parameter", admin().get("/api/v1/admin/instances?limit=501"));
        assertRefused(400, "invalid_parameter", admin().get("/api/v1/admin/instances?sort=public_key"));
        assertRefused(400, "invalid_parameter", admin().get("/api/v1/admin/instances?status=gone"));
    }

    @Test
    void anInstanceShowsItsDetailAndHistoryNewestFirst() throws Exception {
        ShmClient client = activeClient(base, "detail-" + UUID.randomUUID().toString().substring(0, 8), "3.1");
        for (int i = 0; i < 3; i++) {
            assertEquals(202, client.snapshot(start.plusSeconds(i), metrics("n", i)).status());
        }
        String id = client.identity().instanceId().toString();

        JsonObject detail = admin().object("/api/v1/admin/instances/" + id);
        assertEquals("3.1", detail.getString("app_version"));
        assertEquals(2, detail.getJsonObject("metrics").getInt("n"));
        JsonArray history = admin().object("/api/v1/admin/instances/" + id + "/snapshots?limit=2").getJsonArray("snapshots");
        assertEquals(2, history.size());
        assertEquals(2, history.getJsonObject(0).getJsonObject("metrics").getInt("n"));
        assertEquals(1, history.getJsonObject(1).getJsonObject("metrics").getInt("n"));

        assertRefused(404, "not_found", admin().get("/api/v1/admin/instances/" + UUID.randomUUID()));
        assertRefused(404, "not_found", admin().get("/api/v1/admin/instances/not-a-uuid"));
    }

    @Test
    void aRevokedInstanceIsRefusedAndAReactivatedOneAccepted() throws Exception {
        ShmClient client = activeClient(base, "revoke-" + UUID.randomUUID().toString().substring(0, 8), "1.0");
        assertEquals(202, client.snapshot(start, metrics("n", 1)).status());
        String id = client.identity().instanceId().toString();

        assertEquals(200, admin().post("/api/v1/admin/instances/" + id + "/revoke", null).statusCode());
        assertEquals(403, client.snapshot(start.plusSeconds(1), metrics("n", 2)).status(), "the cached key is dropped at once");
        assertEquals("revoked", admin().object("/api/v1/admin/instances/" + id).getString("status"));

        assertEquals(200, admin().post("/api/v1/admin/instances/" + id + "/reactivate", null).statusCode());
        assertEquals(202, client.snapshot(start.plusSeconds(2), metrics("n", 3)).status());
    }

    @Test
    void deletingAnInstanceRemovesEveryRowOfIt() throws Exception {
        ShmClient client = activeClient(base, "delete-" + UUID.randomUUID().toString().substring(0, 8), "1.0");
        assertEquals(202, client.snapshot(start, metrics("n", 1)).status());
        UUID id = client.identity().instanceId();
        long row = Rows.number("SELECT id FROM instance WHERE instance_id = ?", id);
        assertEquals(3, Rows.number("SELECT count(*) FROM instance_bucket WHERE instance_id = ?", row));

        assertEquals(204, admin().delete("/api/v1/admin/instances/" + id).statusCode());

        assertEquals(0, Rows.instancesWithId(id));
        assertEquals(0, Rows.number("SELECT count(*) FROM snapshot WHERE instance_id = ?", row));
        assertEquals(0, Rows.number("SELECT count(*) FROM instance_bucket WHERE instance_id = ?", row));
        assertEquals(403, client.snapshot(start.plusSeconds(1), metrics("n", 2)).status(), "its key is gone too");
        assertRefused(404, "not_found", admin().delete("/api/v1/admin/instances/" + id));
    }

    @Test
    void exportStreamsEveryInstanceAsCsvOrJson() throws Exception {
        String app = "export-" + UUID.randomUUID().toString().substring(0, 8);
        ShmClient plain = activeClient(base, app, "1.0");
        assertEquals(202, plain.snapshot(start, metrics("users", 3, "note", "a, \"quoted\" note")).status());
        ShmClient hostile = activeClient(base, app, "1.0");
        assertEquals(202, hostile.snapshot(start, metrics("users", 4, "note", "=HYPERLINK(\"http://x\")")).status());

        HttpResponse<String> csv = admin().get("/api/v1/admin/export/instances?format=csv&app=" + app);
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertEquals(3, lines.size(), csv.body());
        assertTrue(lines.get(0).endsWith(",note,users"), lines.get(0));
        assertTrue(csv.body().contains("\"a, \"\"quoted\"\" note\",3"), csv.body());
        assertTrue(csv.body().contains("\"'=HYPERLINK(\"\"http://x\"\")\",4"), "formulas are defused: " + csv.body());

        JsonArray json = (JsonArray) AdminClient.ok(admin().get("/api/v1/admin/export/instances?format=json&app=" + app));
        assertEquals(2, json.size());
        assertRefused(400, "invalid_parameter", admin().get("/api/v1/admin/export/instances?format=xml"));
    }

    @Test
    void exportCarriesOnPastTheFirstBatchOfItsCursor() throws Exception {
        String app = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
        ShmClient first = activeClient(base, app, "1.0");
        // 1,200 more instances of the same application, written straight into the database: the export
        // reads 500 rows per fetch, so its last rows come from the third.
        Rows.update("""
                INSERT INTO instance (instance_id, public_key, application_id, app_version, status, first_seen, last_seen, metrics)
                SELECT gen_random_uuid(), decode(md5(g::text) || md5(g::text || 'k'), 'hex'), i.application_id, '1.0',
                       'ACTIVE', now(), now(), jsonb_build_object('row', g)
                  FROM generate_series(1, 1200) g, instance i WHERE i.instance_id = ?""", first.identity().instanceId());

        JsonArray json = (JsonArray) AdminClient.ok(admin().get("/api/v1/admin/export/instances?format=json&app=" + app));
        assertEquals(1201, json.size());
        assertEquals(1200, json.stream().filter(row -> row.asJsonObject().getJsonObject("metrics").containsKey("row")).count());
        HttpResponse<String> csv = admin().get("/api/v1/admin/export/instances?format=csv&app=" + app);
        assertEquals(1202, csv.body().lines().count(), "a header and every instance");
    }

    @Test
    void csvColumnsComeFromTheKeyCatalogueAndTheInstancesSeenSince() throws Exception {
        String app = "columns-" + UUID.randomUUID().toString().substring(0, 8);
        ShmClient kept = activeClient(base, app, "1.0");
        assertEquals(202, kept.snapshot(start, metrics("users", 3)).status());
        ShmClient leaving = activeClient(base, app, "1.0");
        assertEquals(202, leaving.snapshot(start, metrics("users", 4, "legacy_flag", true)).status());
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null));
        assertEquals(2, Rows.number("SELECT count(*) FROM metric_key k JOIN application a ON a.id = k.application_id WHERE a.slug = ?", app),
                "the rollup job catalogued both keys");

        // A key that arrives after the job ran is a column at once; a catalogued key is a column
        // without a pass over the instances (shown by one that no instance has).
        assertEquals(202, kept.snapshot(start.plusSeconds(1), metrics("queue_depth", 7)).status());
        Rows.update("INSERT INTO metric_key (application_id, metric_key) SELECT id, 'catalogued_only' FROM application WHERE slug = ?", app);
        assertEquals("catalogued_only,legacy_flag,queue_depth,users", metricColumns("app=" + app));
        assertEquals("legacy_flag,queue_depth,users", metricColumns("app=" + app + "&status=active"),
                "a selection by status reads the selected instances' keys");

        assertEquals(204, admin().delete("/api/v1/admin/instances/" + leaving.identity().instanceId()).statusCode());
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null));
        assertEquals("queue_depth,users", metricColumns("app=" + app), "the next run drops the keys nobody has");
    }

    /** instance_id … last_snapshot_at, before the metric columns. */
    private static final int FIXED_CSV_COLUMNS = 11;

    /** The metric columns of a CSV export's header, after its fixed columns. */
    private String metricColumns(String query) throws Exception {
        HttpResponse<String> csv = admin().get("/api/v1/admin/export/instances?format=csv&" + query);
        assertEquals(200, csv.statusCode(), csv.body());
        List<String> header = List.of(csv.body().lines().findFirst().orElseThrow().split(","));
        assertEquals("instance_id", header.get(0), csv.body());
        return String.join(",", header.subList(FIXED_CSV_COLUMNS, header.size()));
    }

    // ---- applications and stars -----------------------------------------------------------------

    @Test
    void anApplicationTakesAGithubUrlAndALogoAndRefusesBadOnes() throws Exception {
        String app = "settings-" + UUID.randomUUID().toString().substring(0, 8);
        activeClient(base, app, "1.0");
        String path = "/api/v1/admin/applications/" + app;

        JsonObject updated = AdminClient.ok(admin().put(path,
                "{\"github_url\":\"https://github.com/example/" + app + "\",\"logo_url\":\"https://example.org/logo.png\"}")).asJsonObject();
        assertEquals("ok", updated.getString("status"));
        JsonObject application = admin().object(path);
        assertEquals("https://github.com/example/" + app, application.getString("github_url"));
        assertEquals("https://example.org/logo.png", application.getString("logo_url"));

        assertRefused(400, "invalid_parameter", admin().put(path, "{\"github_url\":\"https://evil.example/owner/repo\"}"));
        assertRefused(400, "invalid_parameter", admin().put(path, "{\"logo_url\":\"javascript:alert(1)\"}"));
        assertRefused(400, "invalid_parameter", admin().put(path, "{\"logo_url\":42}"));
        assertEquals("https://github.com/example/" + app, admin().object(path).getString("github_url"), "a refusal changes nothing");
        assertRefused(404, "not_found", admin().put("/api/v1/admin/applications/no-such-app", "{}"));

        AdminClient.ok(admin().put(path, "{\"logo_url\":null}"));
        assertTrue(admin().object(path).isNull("logo_url"));
    }

    @Test
    void anApplicationAndItsStatsAreFoundByItsSlugOrByItsName() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String name = "Lookup App " + suffix;
        String slug = "lookup-app-" + suffix;
        activeClient(base, name, "1.0");

        // The slug, the name as registered, and another spelling of the name whose slug it is.
        for (String named : List.of(slug, name, "LOOKUP  app " + suffix.toUpperCase())) {
            String path = "/api/v1/admin/applications/" + named.replace(" ", "%20");
            assertEquals(slug, admin().object(path).getString("slug"), named);
            assertEquals(slug, admin().object(path + "/stats").getString("application"), named);
            assertEquals(slug, admin().object(path + "/series?key=users").getString("application"), named);
            assertEquals(slug, admin().object("/api/v1/admin/metrics/" + named.replace(" ", "%20")).getString("application"), named);
        }
        for (String path : List.of("", "/stats", "/series?key=users")) {
            assertRefused(404, "not_found", admin().get("/api/v1/admin/applications/no-such-app-" + suffix + path));
        }
        assertRefused(404, "not_found", admin().get("/api/v1/admin/metrics/no-such-app-" + suffix));
    }

    @Test
    void starsAreFetchedFromTheConfiguredGithubApi() throws Exception {
        String app = "stars-" + UUID.randomUUID().toString().substring(0, 8);
        activeClient(base, app, "1.0");
        String path = "/api/v1/admin/applications/" + app;
        assertRefused(400, "invalid_parameter", admin().post(path + "/refresh-stars", null));
        AdminClient.ok(admin().put(path, "{\"github_url\":\"https://github.com/example/" + app + "\"}"));

        GITHUB.put("/repos/example/" + app, new Answer(200, "{\"full_name\":\"example/" + app + "\",\"stargazers_count\":1234}", Map.of()));
        JsonObject refreshed = AdminClient.ok(admin().post(path + "/refresh-stars", null)).asJsonObject();
        assertEquals(1234, refreshed.getInt("stars"));
        assertEquals(1234, admin().object(path).getInt("github_stars"));
        assertNotEquals("", admin().object(path).getString("github_stars_updated_at"));
        // The original server's names, which its users' scripts read, carry the same values.
        assertEquals(1234, admin().object(path).getInt("stars"));
        assertEquals(admin().object(path).getString("github_stars_updated_at"), admin().object(path).getString("stars_updated_at"));
        JsonObject listed = admin().array("/api/v1/admin/applications").stream().map(JsonValue::asJsonObject)
                .filter(item -> item.getString("slug").equals(app)).findFirst().orElseThrow();
        assertEquals(1234, listed.getInt("stars"));
        assertEquals(listed.getString("github_stars_updated_at"), listed.getString("stars_updated_at"));

        GITHUB.put("/repos/example/" + app, new Answer(500, "oops", Map.of()));
        assertEquals(502, admin().post(path + "/refresh-stars", null).statusCode());
        assertEquals(1234, admin().object(path).getInt("github_stars"), "a failed refresh keeps the last count");

        long reset = Instant.now().plusSeconds(600).getEpochSecond();
        GITHUB.put("/repos/example/" + app, new Answer(403, "{\"message\":\"API rate limit exceeded\"}",
                Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", Long.toString(reset))));
        HttpResponse<String> limited = admin().post(path + "/refresh-stars", null);
        assertEquals(503, limited.statusCode(), limited.body());
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        GITHUB.put("/repos/example/" + app, new Answer(200, "{\"stargazers_count\":99}", Map.of()));
        assertEquals(503, admin().post(path + "/refresh-stars", null).statusCode(), "GitHub is not asked until the reset");
    }

    @Test
    void statsCountEveryInstanceOfEachApplicationByNameAsTheOriginalServerDoes() throws Exception {
        String app = "Per App " + UUID.randomUUID().toString().substring(0, 8);
        ShmClient active = activeClient(base, app, "1.0");
        ShmClient revoked = activeClient(base, app, "1.0");
        assertEquals(201, newClient(base).register(app, null, null, null, null).status(), "a pending one");
        assertEquals(200, admin().post("/api/v1/admin/instances/" + revoked.identity().instanceId() + "/revoke", null).statusCode());
        assertEquals(202, active.snapshot(start, metrics("users", 1)).status());

        JsonObject perApp = admin().object("/api/v1/admin/stats").getJsonObject("per_app_counts");

        assertEquals(3, perApp.getInt(app), "active, revoked and pending alike, under the name the SDK sent: " + perApp);
        assertFalse(perApp.containsKey("no-such-app"));
    }

    private AdminClient admin() {
        return AdminClient.withTestToken(base);
    }

    private static void assertRefused(int status, String reason, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, AdminClient.parse(response.body()).asJsonObject().getString("reason"), response.body());
    }
}
