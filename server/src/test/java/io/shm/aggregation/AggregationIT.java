package io.shm.aggregation;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.ingest.control.DirectSnapshotStore;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.Rows;
import io.shm.testing.TestDatabase;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fleet values, time series, distributions and retention, against numbers worked out by hand. Instances
 * register and activate over the real protocol; their snapshots go through the server's own snapshot
 * statement at chosen receive times (yesterday, so that whole hours lie in the past), then the rollups
 * are recomputed through the admin API. Each test has its own application.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AggregationIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant yesterday = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    private final Instant h0 = yesterday.plus(Duration.ofHours(10));
    private final Instant h1 = h0.plus(Duration.ofHours(1));
    private final Instant h2 = h1.plus(Duration.ofHours(1));

    /**
     * A: users 10 then 12 in hour 0 (12 is its last value there), 15 in hour 1; sys_os linux.
     * B: users 5 in hour 0, nothing in hour 1, 7 in hour 2, and a key of its own ("other").
     * C (another version): users 100 and only_c 7 in hour 1.
     * E: users 1000 in hour 1, then revoked. D: users 1000 now, but last seen 31 days ago.
     */
    private record Fleet(String app, ShmClient a, ShmClient b, ShmClient c, ShmClient d, ShmClient e) {
    }

    private Fleet fleet() throws Exception {
        String app = "agg-" + UUID.randomUUID().toString().substring(0, 8);
        Fleet fleet = new Fleet(app, activeClient(base, app, "1.0"), activeClient(base, app, "1.0"),
                activeClient(base, app, "2.0"), activeClient(base, app, "1.0"), activeClient(base, app, "1.0"));
        store(fleet.a(), h0.plusSeconds(600), metrics("users", 10, "sys_os", "linux"));
        store(fleet.a(), h0.plusSeconds(3000), metrics("users", 12));
        store(fleet.b(), h0.plusSeconds(1200), metrics("users", 5));
        store(fleet.a(), h1.plusSeconds(60), metrics("users", 15));
        store(fleet.c(), h1.plusSeconds(120), metrics("users", 100, "only_c", 7));
        store(fleet.e(), h1.plusSeconds(180), metrics("users", 1000));
        store(fleet.b(), h2.plusSeconds(60), metrics("users", 7, "other", 1));
        Rows.update("UPDATE instance SET metrics = '{\"users\": 1000}', last_seen = now() - interval '31 days',"
                + " first_seen = now() - interval '40 days'"
                + " WHERE instance_id = ?", fleet.d().identity().instanceId());
        return fleet;
    }

    @Test
    void hourlySeriesSumEachInstancesLastValueAndAMissingKeyStaysMissing() throws Exception {
        Fleet fleet = fleet();
        refreshRollups();

        assertEquals(List.of(point(h0, 2, "17"), point(h1, 3, "1115"), point(h2, 1, "7")), series(fleet.app(), "users", "hour"));
        assertEquals(List.of(point(h1, 1, "7")), series(fleet.app(), "only_c", "hour"), "absent where nobody reported it");

        assertEquals(200, admin().post("/api/v1/admin/instances/" + fleet.e().identity().instanceId() + "/revoke", null).statusCode());
        refreshRollups();

        assertEquals(List.of(point(h0, 2, "17"), point(h1, 2, "115"), point(h2, 1, "7")), series(fleet.app(), "users", "hour"),
                "a revoked instance leaves the history it was part of");
    }

    @Test
    void aBucketHoldsTheCurrentValuesOfTheKeysReportedWithinIt() throws Exception {
        Fleet fleet = fleet();
        UUID a = fleet.a().identity().instanceId();

        // A reported sys_os in hour 0 only: its current metrics keep it, its hour-1 bucket does not.
        assertEquals(json("{\"users\": 15, \"sys_os\": \"linux\"}"), json((String) Rows.instance(a).get("metrics_json")));
        assertEquals(json("{\"users\": 12, \"sys_os\": \"linux\"}"), bucket(a, "h", h0));
        assertEquals(json("{\"users\": 15}"), bucket(a, "h", h1));
        assertEquals(json("{\"users\": 15, \"sys_os\": \"linux\"}"), bucket(a, "d", yesterday));
        // C reported all its current keys at once: every bucket holds them all.
        assertEquals(json("{\"users\": 100, \"only_c\": 7}"), bucket(fleet.c().identity().instanceId(), "h", h1));
        assertEquals(json("{\"users\": 100, \"only_c\": 7}"), bucket(fleet.c().identity().instanceId(), "d", yesterday));
    }

    private static JsonObject bucket(UUID instanceId, String width, Instant start) {
        return json((String) Rows.query("SELECT CAST(b.metrics AS text) AS metrics FROM instance_bucket b"
                + " JOIN instance i ON i.id = b.instance_id WHERE i.instance_id = ? AND b.width = ? AND b.bucket_start = ?",
                instanceId, width, java.sql.Timestamp.from(start)).get("metrics"));
    }

    private static JsonObject json(String text) {
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
            return reader.readObject();
        }
    }

    @Test
    void aRunCoversUpToItsStartAndOnANewDatabaseLooksBackEightDays() throws Exception {
        Fleet fleet = fleet(); // received yesterday
        Rows.update("DELETE FROM rollup_coverage");
        Instant before = Instant.now();
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null));
        Instant after = Instant.now();

        assertEquals(List.of(point(h0, 2, "17"), point(h1, 3, "1115"), point(h2, 1, "7")), series(fleet.app(), "users", "hour"),
                "with no covered time yet, the run looked back over the last eight days");
        Instant covered = ((java.sql.Timestamp) Rows.query("SELECT covered_until FROM rollup_coverage WHERE id = 1")
                .get("covered_until")).toInstant();
        // This run's start, or the minute job's if it ran meanwhile: a restart carries on from there.
        assertFalse(covered.isBefore(before.minusSeconds(1)), covered + " before " + before);
        assertFalse(covered.isAfter(after.plusSeconds(1)), covered + " after " + after);
    }

    @Test
    void dayAndWeekBucketsTakeEachInstancesLastValueInTheWholeBucket() throws Exception {
        Fleet fleet = fleet();
        Rows.revoke(fleet.e().identity().instanceId());
        refreshRollups();

        // A's last value that day is 15, B's 7, C's 100.
        assertEquals(List.of(point(yesterday, 3, "122")), series(fleet.app(), "users", "day"));
        Instant monday = yesterday.atZone(java.time.ZoneOffset.UTC).toLocalDate()
                .with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY))
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        JsonArray weeks = admin().object("/api/v1/admin/applications/" + fleet.app() + "/series?key=users&bucket=week&from="
                + monday.minus(Duration.ofDays(7)) + "&to=" + monday.plus(Duration.ofDays(7))).getJsonArray("points");
        assertEquals(1, weeks.size());
        assertEquals(monday.toString(), weeks.getJsonObject(0).getString("t"), "weeks start on Monday, UTC");
        assertEquals(new BigDecimal("122"), weeks.getJsonObject(0).getJsonNumber("sum").bigDecimalValue());
    }

    @Test
    void versionShareOverTimeCountsInstancesPerVersionInEachBucket() throws Exception {
        Fleet fleet = fleet();
        Rows.revoke(fleet.e().identity().instanceId());
        refreshRollups();

        JsonArray points = admin().object("/api/v1/admin/applications/" + fleet.app()
                + "/distribution?key=app_version&bucket=day&from=" + yesterday + "&to=" + yesterday.plus(Duration.ofDays(1)))
                .getJsonArray("points");
        assertEquals(1, points.size());
        JsonArray values = points.getJsonObject(0).getJsonArray("values");
        assertEquals("1.0", values.getJsonObject(0).getString("value"));
        assertEquals(2, values.getJsonObject(0).getInt("instances"));
        assertEquals("2.0", values.getJsonObject(1).getString("value"));
        assertEquals(1, values.getJsonObject(1).getInt("instances"));

        JsonArray hourlyOs = admin().object("/api/v1/admin/applications/" + fleet.app()
                + "/distribution?key=sys_os&bucket=hour&from=" + h0 + "&to=" + h2.plus(Duration.ofHours(1))).getJsonArray("points");
        assertEquals(1, hourlyOs.size(), "only hour 0 has sys_os");
        assertEquals(h0.toString(), hourlyOs.getJsonObject(0).getString("t"));
    }

    @Test
    void stringValuesAsLongAsTheLimitAllowsAreRolledUp() throws Exception {
        // 1,024 characters of three bytes each, incompressible: longer than a B-tree entry may be.
        java.util.Random random = new java.util.Random(42);
        StringBuilder text = new StringBuilder();
        while (text.length() < 1024) {
            text.append((char) (0x4E00 + random.nextInt(20_000)));
        }
        String motto = text.toString();
        String app = "long-" + UUID.randomUUID().toString().substring(0, 8);
        store(activeClient(base, app, "1.0"), h0, metrics("motto", motto, "users", 1));
        refreshRollups();

        JsonArray points = admin().object("/api/v1/admin/applications/" + app + "/distribution?key=motto&bucket=hour&from="
                + h0 + "&to=" + h0.plus(Duration.ofHours(1))).getJsonArray("points");
        assertEquals(1, points.size());
        JsonObject value = points.getJsonObject(0).getJsonArray("values").getJsonObject(0);
        assertEquals(motto, value.getString("value"));
        assertEquals(1, value.getInt("instances"));
        JsonObject current = admin().object("/api/v1/admin/applications/" + app + "/stats")
                .getJsonObject("values").getJsonObject("motto").getJsonArray("values").getJsonObject(0);
        assertEquals(motto, current.getString("value"));
    }

    @Test
    void currentFleetValuesCountOnlyActiveInstances() throws Exception {
        Fleet fleet = fleet();
        assertEquals(200, admin().post("/api/v1/admin/instances/" + fleet.e().identity().instanceId() + "/revoke", null).statusCode());

        JsonObject stats = admin().object("/api/v1/admin/applications/" + fleet.app() + "/stats");

        assertEquals(5, stats.getInt("total_instances"));
        assertEquals(3, stats.getInt("active_instances"), "D is inactive, E revoked");
        assertEquals(1, stats.getInt("revoked_instances"));
        assertEquals(3, stats.getJsonObject("new_instances").getInt("7d"));
        assertEquals(1, stats.getJsonObject("churned_instances").getInt("7d"), "D left the active window a day ago");
        JsonObject users = stats.getJsonObject("metrics").getJsonObject("users");
        // current values: A 15, B 7, C 100
        assertEquals(3, users.getInt("instances"));
        assertNumber("122", users, "sum");
        assertNumber("7", users, "min");
        assertNumber("100", users, "max");
        assertEquals(0, new BigDecimal("40.6666").compareTo(users.getJsonNumber("mean").bigDecimalValue().setScale(4, java.math.RoundingMode.DOWN)));
        assertNumber("15", users, "p50");
        assertNumber("100", users, "p90");
        assertNumber("100", users, "p99");
        assertEquals(1, stats.getJsonObject("metrics").getJsonObject("only_c").getInt("instances"));

        JsonArray versions = stats.getJsonObject("metadata").getJsonObject("app_version").getJsonArray("values");
        assertEquals("1.0", versions.getJsonObject(0).getString("value"));
        assertEquals(2, versions.getJsonObject(0).getInt("instances"));
        assertEquals(1, versions.getJsonObject(1).getInt("instances"));
        JsonArray os = stats.getJsonObject("values").getJsonObject("sys_os").getJsonArray("values");
        assertEquals("linux", os.getJsonObject(0).getString("value"));
        assertEquals(1, os.getJsonObject(0).getInt("instances"));
    }

    @Test
    void percentilesAreNearestRankOverTheReportingInstances() throws Exception {
        String app = "pct-" + UUID.randomUUID().toString().substring(0, 8);
        for (int value = 1; value <= 10; value++) {
            store(activeClient(base, app, "1.0"), h0, metrics("load", value * 10));
        }

        // Until the rollup job has computed an application's statistics they are computed on reading;
        // a scheduled run may have come first, in which case this read already shows its result.
        JsonObject beforeRun = admin().object("/api/v1/admin/applications/" + app + "/stats");
        if (beforeRun.isNull("metrics_computed_at")) {
            assertPercentiles(beforeRun.getJsonObject("metrics").getJsonObject("load"));
        }

        refreshRollups();
        JsonObject stats = admin().object("/api/v1/admin/applications/" + app + "/stats");
        assertFalse(stats.isNull("metrics_computed_at"), "the rollup job has computed this application");
        assertPercentiles(stats.getJsonObject("metrics").getJsonObject("load"));
    }

    private static void assertPercentiles(JsonObject load) {
        assertEquals(10, load.getInt("instances"));
        assertNumber("550", load, "sum");
        assertNumber("55", load, "mean");
        assertNumber("50", load, "p50");
        assertNumber("90", load, "p90");
        assertNumber("100", load, "p99");
    }

    @Test
    void globalStatsKeepTheOriginalFields() throws Exception {
        Fleet fleet = fleet();
        refreshRollups();
        JsonObject stats = admin().object("/api/v1/admin/stats");
        assertTrue(stats.getInt("total_instances") >= 5);
        assertTrue(stats.getInt("active_instances") >= 4);
        assertTrue(stats.getJsonObject("global_metrics").getJsonNumber("users").bigDecimalValue()
                .compareTo(new BigDecimal("1122")) >= 0, "A 15 + B 7 + C 100 + E 1000 at least");

        JsonObject chart = admin().object("/api/v1/admin/metrics/" + fleet.app() + "?period=7d");
        assertEquals("hour", chart.getString("bucket"));
        assertEquals(List.of(h0.toString(), h1.toString(), h2.toString()),
                chart.getJsonArray("timestamps").getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList());
        assertEquals("[17,1115,7]", chart.getJsonObject("metrics").getJsonArray("users").toString());
        assertEquals("[null,7,null]", chart.getJsonObject("metrics").getJsonArray("only_c").toString(), "missing, not zero");
        assertEquals(400, admin().get("/api/v1/admin/metrics/" + fleet.app() + "?period=2w").statusCode());
    }

    @Test
    void retentionDropsOldPartitionsWhileRollupsKeepTheHistory() throws Exception {
        String app = "ret-" + UUID.randomUUID().toString().substring(0, 8);
        Rows.query("SELECT shm_ensure_snapshot_partitions(100, 0)");
        // Old enough that its whole week (which may start six days before it) is beyond the retention of
        // 90 days and the week's margin of 7: a week bucket is kept while any day of it is within reach.
        Instant old = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(98)).plus(Duration.ofHours(3));
        ShmClient client = activeClient(base, app, "1.0");
        store(client, old, metrics("users", 42));
        refreshRollups();
        String oldPartition = "snapshot_d" + old.toString().substring(0, 10).replace("-", "");
        assertEquals(1, Rows.snapshotsOf(client.identity().instanceId()));

        JsonObject run = AdminClient.ok(admin().post("/api/v1/admin/maintenance/retention", null)).asJsonObject();

        List<String> dropped = run.getJsonArray("dropped_partitions").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList();
        assertTrue(dropped.contains(oldPartition), dropped.toString());
        String today = "snapshot_d" + Instant.now().toString().substring(0, 10).replace("-", "");
        assertFalse(dropped.contains(today));
        assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()), "the raw snapshot went with its partition");
        assertEquals(0, Rows.number("SELECT count(*) FROM instance_bucket b JOIN instance i ON i.id = b.instance_id"
                + " WHERE i.instance_id = ?", client.identity().instanceId()));
        Instant day = old.truncatedTo(ChronoUnit.DAYS);
        assertEquals(List.of(point(day, 1, "42")), series(app, "users", "day", day, day.plus(Duration.ofDays(1))),
                "the rollup outlives the raw data");
    }

    @Test
    void badParametersAreRefusedWithAReason() throws Exception {
        Fleet fleet = fleet();
        String series = "/api/v1/admin/applications/" + fleet.app() + "/series?key=users";
        assertRefused(400, "invalid_parameter", admin().get(series + "&bucket=minute"));
        assertRefused(400, "invalid_parameter", admin().get(series + "&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"));
        assertRefused(400, "invalid_parameter", admin().get(series + "&from=yesterday"));
        assertRefused(400, "invalid_parameter", admin().get(series + "&bucket=hour&from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"));
        assertRefused(400, "invalid_parameter", admin().get(series + "&from=+1000000000-01-01T00:00:00Z"));
        assertRefused(400, "invalid_parameter", admin().get("/api/v1/admin/applications/" + fleet.app() + "/series"));
        assertRefused(404, "not_found", admin().get("/api/v1/admin/applications/no-such-app/series?key=users"));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private record Point(String t, int instances, BigDecimal sum) {
    }

    private static Point point(Instant t, int instances, String sum) {
        return new Point(t.toString(), instances, new BigDecimal(sum));
    }

    private List<Point> series(String app, String key, String bucket) {
        return series(app, key, bucket, h0.minus(Duration.ofHours(1)), h2.plus(Duration.ofHours(1)));
    }

    private List<Point> series(String app, String key, String bucket, Instant from, Instant to) {
        JsonArray points = admin().object("/api/v1/admin/applications/" + app + "/series?key=" + key + "&bucket=" + bucket
                + "&from=" + from + "&to=" + to).getJsonArray("points");
        List<Point> result = new ArrayList<>();
        for (JsonObject point : points.getValuesAs(JsonObject.class)) {
            result.add(new Point(point.getString("t"), point.getInt("instances"),
                    point.getJsonNumber("sum").bigDecimalValue().stripTrailingZeros()));
        }
        return result.stream().map(p -> new Point(p.t(), p.instances(), p.sum())).toList();
    }

    private void refreshRollups() {
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups?since=1970-01-01T00:00:00Z", null));
    }

    private AdminClient admin() {
        return AdminClient.withTestToken(base);
    }

    private static void store(ShmClient client, Instant at, JsonObject metrics) throws Exception {
        long row = Rows.number("SELECT id FROM instance WHERE instance_id = ?", client.identity().instanceId());
        try (Connection connection = TestDatabase.get().dataSource().getConnection()) {
            assertTrue(DirectSnapshotStore.store(connection, row, at, at, metrics.toString()), "stored at " + at);
        }
    }

    private static void assertNumber(String expected, JsonObject object, String name) {
        assertEquals(0, new BigDecimal(expected).compareTo(object.getJsonNumber(name).bigDecimalValue()),
                name + " = " + object.get(name) + ", expected " + expected);
    }

    private static void assertRefused(int status, String reason, java.net.http.HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, AdminClient.parse(response.body()).asJsonObject().getString("reason"));
    }
}
