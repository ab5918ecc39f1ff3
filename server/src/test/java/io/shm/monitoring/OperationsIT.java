package io.shm.monitoring;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator's tooling reads: MicroProfile Health, the Prometheus text of {@code /metrics}
 * (as Payara prints it, with its {@code mp_scope} tag) and the OpenAPI document. The default container
 * refreshes the active-instance gauges every second ({@code shm.metrics.refresh-seconds=1}).
 * Readiness going down with PostgreSQL is {@link DatabaseRecoveryIT}'s.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    private static final Duration REFRESH_WAIT = Duration.ofSeconds(15);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    // ---- health ----------------------------------------------------------------------------------

    @Test
    void livenessChecksTheJvm() {
        JsonObject live = health("health/live", 200);
        assertEquals("UP", live.getString("status"));
        JsonObject jvm = check(live, "jvm");
        assertEquals("UP", jvm.getString("status"));
        assertEquals("0", jvm.getJsonObject("data").get("deadlockedThreads").toString().replace("\"", ""));
        assertTrue(jvm.getJsonObject("data").containsKey("heapUsedAfterGc"), jvm.toString());
    }

    @Test
    void readinessChecksTheDatabaseAndTheMigrations() {
        JsonObject ready = health("health/ready", 200);
        assertEquals("UP", ready.getString("status"));
        JsonObject database = check(ready, "database");
        assertEquals("UP", database.getString("status"));
        assertEquals("true", database.getJsonObject("data").get("migrations").toString().replace("\"", ""));
        assertEquals("java:app/jdbc/shm", database.getJsonObject("data").getString("pool"), "the WAR's own pool by default");
        assertEquals(List.of("database"), ready.getJsonArray("checks").stream()
                .map(check -> check.asJsonObject().getString("name")).toList(), "liveness checks are not readiness checks");
    }

    // ---- metrics ---------------------------------------------------------------------------------

    @Test
    void acceptedSnapshotsAreCountedAndTimed() throws Exception {
        ShmClient client = activeClient(base, "ops-counted", "1.0.0");
        String snapshots = "shm_ingest_accepted_total{kind=\"snapshot\"";
        String snapshotLatency = "shm_ingest_latency_seconds_count{endpoint=\"snapshot\"";
        String registerLatency = "shm_ingest_latency_seconds_count{endpoint=\"register\"";
        String before = scrape();

        int sent = 3;
        for (int i = 0; i < sent; i++) {
            assertEquals(202, client.snapshot(start.plusSeconds(i), metrics("users", i)).status());
        }
        assertEquals(201, newClient(base).register("ops-counted", "1.0.0", null, null, null).status());

        String after = scrape();
        assertEquals(value(before, snapshots) + sent, value(after, snapshots));
        assertEquals(value(before, snapshotLatency) + sent, value(after, snapshotLatency));
        assertEquals(value(before, registerLatency) + 1, value(after, registerLatency));
        double sumBefore = value(before, "shm_ingest_latency_seconds_sum{endpoint=\"snapshot\"");
        double sumAfter = value(after, "shm_ingest_latency_seconds_sum{endpoint=\"snapshot\"");
        assertTrue(sumAfter > sumBefore && sumAfter - sumBefore < 60, "seconds, not nanoseconds: " + (sumAfter - sumBefore));
        assertTrue(value(after, "shm_ingest_latency_seconds_bucket{endpoint=\"snapshot\"", "le=\"+Inf\"")
                >= value(after, snapshotLatency), "a Prometheus histogram with an +Inf bucket");
    }

    @Test
    void refusalsAreCountedByReasonAndTimedToo() {
        String unsupported = "shm_ingest_refused_total{";
        String latency = "shm_ingest_latency_seconds_count{endpoint=\"snapshot\"";
        String before = scrape();

        HttpResponse<String> refused = Http.send(HttpRequest.newBuilder(Http.resolve(base, "v1/snapshot"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{}", StandardCharsets.UTF_8)).build());
        assertEquals(415, refused.statusCode(), refused.body());

        String after = scrape();
        assertEquals(value(before, unsupported, "reason=\"unsupported_media_type\"") + 1,
                value(after, unsupported, "reason=\"unsupported_media_type\""));
        assertEquals(value(before, unsupported, "reason=\"bad_signature\""),
                value(after, unsupported, "reason=\"bad_signature\""), "only the reason that happened");
        assertEquals(value(before, latency) + 1, value(after, latency));
    }

    @Test
    void activeInstancesOfANewApplicationAppearWithoutRestart() throws Exception {
        String app = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        String gauge = "shm_instances_active{application=\"" + app + "\"";
        activeClient(base, app, "1.0.0");
        activeClient(base, app, "1.0.0");
        assertEquals(201, newClient(base).register(app, "1.0.0", null, null, null).status(), "pending: not active");

        assertEquals(2.0, awaitValue(gauge, 2.0), "two activated instances");

        activeClient(base, app, "1.1.0");
        assertEquals(3.0, awaitValue(gauge, 3.0), "the gauge follows without restart");
    }

    @Test
    void cachesAreMeasured() throws Exception {
        ShmClient client = activeClient(base, "ops-cached", "1.0.0");
        assertEquals(202, client.snapshot(start, metrics("users", 1)).status());
        assertEquals(202, client.snapshot(start.plusSeconds(1), metrics("users", 2)).status());

        String text = scrape();
        for (String cache : List.of("keys", "badges")) {
            for (String name : List.of("shm_cache_size", "shm_cache_hits", "shm_cache_misses", "shm_cache_hit_rate")) {
                value(text, name + "{", "cache=\"" + cache + "\"");
            }
        }
        assertTrue(value(text, "shm_cache_hits{", "cache=\"keys\"") >= 1, "the second snapshot's key came from the cache");
        double rate = value(text, "shm_cache_hit_rate{", "cache=\"keys\"");
        assertTrue(rate > 0 && rate <= 1, "hit rate " + rate);
    }

    // ---- OpenAPI ---------------------------------------------------------------------------------

    @Test
    void theOpenApiDocumentDescribesTheIngestAndAdminApis() {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(Http.resolve(base, "openapi"))
                .header("Accept", "application/json").GET().build());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject document = json(response.body());

        JsonObject info = document.getJsonObject("info");
        assertEquals("SHM server", info.getString("title"));
        assertEquals("AGPL-3.0", info.getJsonObject("license").getString("name"));
        JsonObject components = document.getJsonObject("components");
        JsonObject bearer = components.getJsonObject("securitySchemes").getJsonObject("bearer");
        assertEquals("http", bearer.getString("type"));
        assertEquals("bearer", bearer.getString("scheme"));
        assertTrue(components.getJsonObject("schemas").getJsonObject("Problem").getJsonObject("properties").containsKey("reason"));

        JsonObject paths = document.getJsonObject("paths");
        JsonObject snapshot = paths.getJsonObject("/v1/snapshot").getJsonObject("post");
        assertTrue(snapshot.getJsonObject("responses").keySet().containsAll(
                List.of("202", "400", "401", "403", "409", "413", "415", "429", "503")), snapshot.toString());
        assertEquals("#/components/responses/InstanceRefused",
                snapshot.getJsonObject("responses").getJsonObject("403").getString("$ref"));
        assertEquals("#/components/requestBodies/snapshot", snapshot.getJsonObject("requestBody").getString("$ref"));
        assertEquals("#/components/schemas/SnapshotRequest", components.getJsonObject("requestBodies").getJsonObject("snapshot")
                .getJsonObject("content").getJsonObject("application/json").getJsonObject("schema").getString("$ref"));
        JsonObject register = paths.getJsonObject("/v1/register").getJsonObject("post");
        assertTrue(register.getJsonObject("responses").keySet().containsAll(List.of("200", "201", "400", "409", "429")));

        JsonObject revoke = paths.getJsonObject("/api/v1/admin/instances/{id}/revoke").getJsonObject("post");
        assertTrue(revoke.getJsonObject("responses").keySet().containsAll(List.of("200", "401", "403", "404", "429", "503")),
                revoke.toString());
        assertEquals("#/components/responses/MissingToken",
                revoke.getJsonObject("responses").getJsonObject("401").getString("$ref"));
        assertTrue(revoke.getJsonArray("security").getJsonObject(0).containsKey("bearer"), revoke.toString());
        JsonObject stats = paths.getJsonObject("/api/v1/admin/stats").getJsonObject("get");
        assertTrue(stats.getJsonArray("security").getJsonObject(0).containsKey("bearer"));
        assertTrue(stats.containsKey("summary"));
        assertTrue(paths.containsKey("/badge/{slug}/metric/{key}"), "templates without their regex: " + paths.keySet());
        assertTrue(paths.keySet().stream().noneMatch(path -> path.startsWith("/app") || path.contains("wadl")),
                paths.keySet().toString());

        List<String> operationIds = paths.values().stream()
                .flatMap(item -> item.asJsonObject().values().stream())
                .map(operation -> operation.asJsonObject().getString("operationId")).toList();
        assertEquals(operationIds.size(), Set.copyOf(operationIds).size(), "operation ids are unique: " + operationIds);
        List<String> tags = document.getJsonArray("tags").stream().map(tag -> tag.asJsonObject().getString("name")).toList();
        assertEquals(List.of("ingest", "admin", "badges", "health", "public"), tags);
        assertTrue(paths.containsKey("/public/{slug}"), "the public page is documented: " + paths.keySet());
    }

    @Test
    void operationsEndpointsNeedNoCredentials() {
        for (String path : List.of("health/live", "health/ready", "metrics", "openapi")) {
            assertEquals(200, Http.get(base, path).statusCode(), path);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private JsonObject health(String path, int status) {
        HttpResponse<String> response = Http.get(base, path);
        assertEquals(status, response.statusCode(), response.body());
        return json(response.body());
    }

    private static JsonObject check(JsonObject health, String name) {
        return health.getJsonArray("checks").stream().map(check -> check.asJsonObject())
                .filter(check -> name.equals(check.getString("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " check in " + health));
    }

    private String scrape() {
        HttpResponse<String> metrics = Http.get(base, "metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body();
    }

    /** The sample whose line starts with {@code prefix} and contains every label given. */
    private static double value(String text, String prefix, String... labels) {
        return find(text, prefix, labels).orElseThrow(() -> new AssertionError(
                prefix + " " + String.join(",", labels) + " not in:\n" + text));
    }

    private static OptionalDouble find(String text, String prefix, String... labels) {
        return text.lines()
                .filter(line -> line.startsWith(prefix) && List.of(labels).stream().allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }

    /** Waits for the next refreshes of the gauges to show {@code expected}; answers the last value seen. */
    private double awaitValue(String prefix, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + REFRESH_WAIT.toNanos();
        OptionalDouble seen = OptionalDouble.empty();
        while (System.nanoTime() < deadline) {
            seen = find(scrape(), prefix);
            if (seen.isPresent() && seen.getAsDouble() == expected) {
                return expected;
            }
            Thread.sleep(200);
        }
        return seen.orElse(Double.NaN);
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
