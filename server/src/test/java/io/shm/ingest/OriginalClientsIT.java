package io.shm.ingest;

import static io.shm.ingest.IngestClients.json;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.Rows;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the original SHM server's clients send, and it stores, is accepted here too (ORIGINAL-SERVER.md):
 * registers without version or other metadata, metric keys of any printable text, values of every
 * JSON type, bodies without a Content-Type or as text/plain. Each is read back where a maintainer
 * would look: the admin API, the CSV and JSON exports, the badges.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OriginalClientsIT {

    static final String FORMULA = "=cmd|' /C calc'!A0";
    static final String SCRIPT = "<script>alert(1)</script>";
    static final String ROCKET = "\uD83D\uDE80 launches";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    private static String app() {
        return "original-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- register ------------------------------------------------------------------------------

    @Test
    void aRegisterWithoutVersionOrMetadataIsAcceptedAndShownAsUnknown() throws Exception {
        String app = app();
        ShmClient missing = newClient(base);
        ShmResponse registered = missing.register(app, null, null, null, null);
        assertEquals(201, registered.status(), registered.body());
        assertEquals(200, missing.register(app, null, null, null, null).status(), "the same instance again");
        assertEquals(200, missing.activate().status());
        assertEquals(202, missing.snapshot(start, IngestClients.metrics("users", 3)).status());

        ShmClient empty = newClient(base);
        assertEquals(201, empty.register(app, "", "", "", "").status());
        assertEquals(200, empty.activate().status());
        assertEquals(202, empty.snapshot(start, IngestClients.metrics("users", 4)).status());

        ShmClient versioned = newClient(base);
        assertEquals(201, versioned.register(app, "2.0.0", "docker", "production", "linux/amd64").status());
        assertEquals(200, versioned.activate().status());

        JsonObject missingDetail = admin().object("/api/v1/admin/instances/" + missing.identity().instanceId());
        assertEquals("", missingDetail.getString("app_version"), "no version is the empty version");
        assertTrue(missingDetail.isNull("deployment_mode") && missingDetail.isNull("environment") && missingDetail.isNull("os_arch"),
                missingDetail.toString());
        JsonObject emptyDetail = admin().object("/api/v1/admin/instances/" + empty.identity().instanceId());
        assertEquals("", emptyDetail.getString("app_version"));
        assertEquals("", emptyDetail.getString("deployment_mode"), "stored as sent");
        assertEquals(4, emptyDetail.getJsonObject("metrics").getInt("users"));

        // The version share counts the instances without a version as one slice of their own.
        JsonObject share = admin().object("/api/v1/admin/applications/" + app + "/stats").getJsonObject("metadata")
                .getJsonObject("app_version");
        Map<String, Integer> slices = new HashMap<>();
        share.getJsonArray("values").forEach(v -> slices.put(v.asJsonObject().getString("value"), v.asJsonObject().getInt("instances")));
        assertEquals(Map.of("", 2, "2.0.0", 1), slices, share.toString());

        // The version badge names the version most instances run: here "unknown", never an error.
        HttpResponse<String> badge = Http.get(base, "badge/" + app + "/version");
        assertEquals(200, badge.statusCode(), badge.body());
        assertTrue(badge.body().contains("<title>version: unknown</title>"), badge.body());
    }

    // ---- metric keys and values ------------------------------------------------------------------

    @Test
    void metricKeysOfAnyPrintableTextAndValuesOfEveryTypeAreStoredAndReadBack() throws Exception {
        String app = app();
        ShmClient client = IngestClients.activeClient(base, app, "1.0");
        JsonObject metrics = Json.createObjectBuilder()
                .add("Active Users", 42)
                .add("cpu%", 12.5)
                .add("mem (MB)", 512)
                .add("#", 7)
                .add(ROCKET, 3)
                .add(FORMULA, 1)
                .add(SCRIPT, 2)
                .add("nested", Json.createObjectBuilder().add("GET /api", Json.createObjectBuilder().add("p95", 12)))
                .add("list", Json.createArrayBuilder().add(1).add("two").addNull().add(true))
                .add("nothing", JsonValue.NULL)
                .add("enabled", true)
                .add("disabled", false)
                .add("as text", "12")
                .build();

        ShmResponse stored = client.snapshot(start, metrics);

        assertEquals(202, stored.status(), stored.body());
        JsonObject current = admin().object("/api/v1/admin/instances/" + client.identity().instanceId()).getJsonObject("metrics");
        assertEquals(metrics, current, "every key and value as sent");
        JsonObject history = admin().object("/api/v1/admin/instances/" + client.identity().instanceId() + "/snapshots")
                .getJsonArray("snapshots").getJsonObject(0).getJsonObject("metrics");
        assertEquals(metrics, history);

        // CSV: the keys are column headers, the formula neutralised with a leading apostrophe.
        HttpResponse<String> csv = admin().get("/api/v1/admin/export/instances?format=csv&app=" + app);
        assertEquals(200, csv.statusCode(), csv.body());
        String header = csv.body().lines().findFirst().orElseThrow();
        assertTrue(header.contains(",\"'" + FORMULA + "\","), header);
        assertFalse(header.contains("," + FORMULA), "never a cell that starts with =: " + header);
        for (String key : List.of("Active Users", "cpu%", "mem (MB)", "#", ROCKET, SCRIPT)) {
            assertTrue(header.contains("," + key + ",") || header.endsWith("," + key), key + " in " + header);
        }
        // JSON: the same keys, escaped as JSON, parse back to themselves.
        HttpResponse<String> exported = admin().get("/api/v1/admin/export/instances?format=json&app=" + app);
        try (var reader = Json.createReader(new StringReader(exported.body()))) {
            assertEquals(metrics, reader.readArray().getJsonObject(0).getJsonObject("metrics"));
        }

        // Badges: the key URL-encoded in the path, escaped in the SVG.
        assertBadge(app, "Active Users", "Active Users: 42");
        assertBadge(app, "cpu%", "cpu%: 12.5");
        assertBadge(app, "mem (MB)", "mem (MB): 512");
        assertBadge(app, "#", "#: 7");
        assertBadge(app, ROCKET, ROCKET + ": 3");
        HttpResponse<String> script = Http.get(base, "badge/" + app + "/metric/" + encode(SCRIPT));
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;: 2</title>"), script.body());
        assertFalse(script.body().contains(SCRIPT), script.body());
    }

    @Test
    void aKeyCalledLikeTheRollupsVersionKeyIsJustAKey() throws Exception {
        String app = app();
        ShmClient client = IngestClients.activeClient(base, app, "1.0");
        assertEquals(202, client.snapshot(start, IngestClients.metrics("$version", "mine", "users", 1)).status());
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null));

        JsonArray versions = admin().object("/api/v1/admin/applications/" + app + "/distribution?key=app_version&bucket=hour")
                .getJsonArray("points");
        assertEquals(1, versions.size(), versions.toString());
        assertEquals("1.0", versions.getJsonObject(0).getJsonArray("values").getJsonObject(0).getString("value"), versions.toString());
        JsonArray own = admin().object("/api/v1/admin/applications/" + app + "/distribution?key=%24version&bucket=hour")
                .getJsonArray("points");
        assertEquals("mine", own.getJsonObject(0).getJsonArray("values").getJsonObject(0).getString("value"), own.toString());
    }

    @Test
    void keysWithControlCharactersAreStillRefused() throws Exception {
        ShmClient client = IngestClients.activeClient(base, app(), "1.0");
        for (String metrics : List.of("{\"a\\tb\":1}", "{\"a\\u0000b\":1}", "{\"\":1}", "{\"rlo\\u202Eexe\":1}", "{\"lone\\ud800\":1}")) {
            // As JSON text with its escapes: a lone surrogate cannot even be encoded as UTF-8 by a client.
            String body = "{\"instance_id\":\"" + client.identity().instanceId() + "\",\"timestamp\":\""
                    + ShmClient.timestamp(start) + "\",\"metrics\":" + metrics + "}";
            ShmResponse refused = client.sendSigned("/v1/snapshot", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, refused.status(), metrics + ": " + refused.body());
            assertEquals("key_not_allowed", json(refused.body()).getString("reason"), metrics);
        }
        assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()));
    }

    // ---- Content-Type ------------------------------------------------------------------------------

    @Test
    void aBodyWithoutContentTypeOrAsTextPlainIsReadAsJson() throws Exception {
        String app = app();
        ShmClient client = newClient(base);
        byte[] register = client.registerBody(app, "1.0", null, null, null);
        ShmResponse registered = client.send("/v1/register", register, Map.of());
        assertEquals(201, registered.status(), "no Content-Type: " + registered.body());

        byte[] activate = client.activateBody();
        Map<String, String> asText = client.signedHeaders(activate);
        asText.put("Content-Type", "text/plain; charset=utf-8");
        assertEquals(200, client.send("/v1/activate", activate, asText).status());

        byte[] first = client.snapshotBody(start, IngestClients.metrics("users", 1));
        Map<String, String> none = client.signedHeaders(first);
        none.remove("Content-Type");
        ShmResponse withoutType = client.send("/v1/snapshot", first, none);
        assertEquals(202, withoutType.status(), withoutType.body());

        byte[] second = client.snapshotBody(start.plusSeconds(1), IngestClients.metrics("users", 2));
        Map<String, String> text = client.signedHeaders(second);
        text.put("Content-Type", "text/plain");
        assertEquals(202, client.send("/v1/snapshot", second, text).status());
        assertEquals(2, Rows.snapshotsOf(client.identity().instanceId()));

        ShmResponse notJson = client.send("/v1/register", "users=1".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/plain"));
        assertEquals(400, notJson.status());
        assertEquals("not_json", json(notJson.body()).getString("reason"), "read as JSON, and it is not");
    }

    @Test
    void aBodyThatClearlySaysItIsSomethingElseIs415() throws Exception {
        ShmClient client = IngestClients.activeClient(base, app(), "1.0");
        List<String> others = List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
                "text/xml", "application/atom+xml", "text/html", "image/png", "audio/mpeg", "video/mp4");
        for (int i = 0; i < others.size(); i++) {
            byte[] body = client.snapshotBody(start.plusSeconds(i), IngestClients.metrics("users", i));
            Map<String, String> headers = client.signedHeaders(body);
            headers.put("Content-Type", others.get(i));
            ShmResponse refused = client.send("/v1/snapshot", body, headers);
            assertEquals(415, refused.status(), others.get(i) + ": " + refused.body());
            assertEquals("unsupported_media_type", json(refused.body()).getString("reason"));
        }
        ShmClient form = newClient(base);
        ShmResponse register = form.send("/v1/register", form.registerBody("x", "1", null, null, null),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertEquals(415, register.status());
        assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()));
        assertEquals(0, Rows.instancesWithId(form.identity().instanceId()));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void assertBadge(String app, String key, String title) {
        HttpResponse<String> badge = Http.get(base, "badge/" + app + "/metric/" + encode(key));
        assertEquals(200, badge.statusCode(), key);
        assertTrue(badge.body().contains("<title>" + title + "</title>"), key + ": " + badge.body());
    }

    /** As in a URL path: a space is %20, never +. */
    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private AdminClient admin() {
        return AdminClient.withTestToken(base);
    }
}
