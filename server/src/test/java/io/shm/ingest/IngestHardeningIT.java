package io.shm.ingest;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.json;
import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.Rows;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * What a hostile client can no longer do through the ingest API: grow an instance's metrics and the
 * rollups without bound, date a snapshot outside any sensible range, change an instance's metadata
 * with a replayed activate, or make the server read the database for every forged id or random badge
 * key. Each application and instance here is the test's own. Rate limits are off in this deployment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IngestHardeningIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    // ---- bounded metrics ----------------------------------------------------------------------------

    @Test
    void tenRoundsOf400FreshKeysLeaveAtMost500CurrentKeysAndTheRollupsBounded() throws Exception {
        String app = unique("keys");
        ShmClient client = activeClient(base, app, "1.0.0");
        UUID id = client.identity().instanceId();
        long[] rowsWritten = new long[10];
        for (int round = 0; round < 10; round++) {
            JsonObjectBuilder fresh = Json.createObjectBuilder();
            for (int k = 0; k < 400; k++) {
                fresh.add("r" + round + "_k" + k, k);
            }
            ShmResponse accepted = client.snapshot(start.plusSeconds(round), fresh.build());
            assertEquals(202, accepted.status(), accepted.body());

            long began = System.nanoTime();
            JsonObject run = AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null)).asJsonObject();
            long millis = (System.nanoTime() - began) / 1_000_000;
            rowsWritten[round] = run.getJsonNumber("rollup_rows_written").longValue();
            System.out.printf("round %d: %d current keys, rollup run %d ms over HTTP, %d buckets, %d rollup rows written%n",
                    round + 1, currentKeys(id), millis, run.getInt("buckets_recomputed"), rowsWritten[round]);

            assertEquals(Math.min(500, 400 * (round + 1)), currentKeys(id), "round " + (round + 1));
            assertTrue(Rows.number("SELECT COALESCE(max(n), 0) FROM (SELECT (SELECT count(*) FROM jsonb_object_keys(b.metrics)) AS n"
                    + " FROM instance_bucket b JOIN instance i ON i.id = b.instance_id WHERE i.instance_id = ?) keys", id) <= 500,
                    "bucket rows bounded");
            assertTrue(Rows.number("SELECT count(*) FROM fleet_rollup r JOIN application a ON a.id = r.application_id"
                    + " WHERE a.slug = ?", app) <= 3 * 501, "hour, day and week: at most 500 keys and the version each");
        }
        JsonObject current = json((String) Rows.instance(id).get("metrics_json"));
        assertEquals(400, current.keySet().stream().filter(key -> key.startsWith("r9_")).count(), "the last snapshot's keys all stay");
        assertEquals(100, current.keySet().stream().filter(key -> key.startsWith("r8_")).count(),
                "then the most recently reported; the older ones went first");
        assertEquals(currentKeys(id), Rows.number("SELECT count(*) FROM instance i, jsonb_object_keys(i.metrics_seen)"
                + " WHERE i.instance_id = ?", id), "a report time for every current key, none for the others");
        assertTrue(rowsWritten[9] <= rowsWritten[2], "the rollup's work stays flat: " + java.util.Arrays.toString(rowsWritten));
    }

    @Test
    void aKeyNotReportedWithinTheActiveWindowLeavesTheFleetTotal() throws Exception {
        String app = unique("window");
        ShmClient client = activeClient(base, app, "1.0.0");
        UUID id = client.identity().instanceId();
        assertEquals(202, client.snapshot(start, metrics("renamed_users", 5, "users", 1)).status());
        refreshRollups();
        assertEquals(5, stats(app).getJsonObject("metrics").getJsonObject("renamed_users").getInt("sum"));

        // The instance goes on reporting, without the renamed key, for longer than the active window (30 days).
        Rows.update("UPDATE instance SET metrics_seen = jsonb_set(metrics_seen, '{renamed_users}',"
                + " to_jsonb(CAST(1000 * extract(epoch FROM now() - interval '31 days') AS bigint))) WHERE instance_id = ?", id);
        assertEquals(202, client.snapshot(start.plusSeconds(60), metrics("users", 2)).status());
        refreshRollups();

        JsonObject after = stats(app).getJsonObject("metrics");
        assertFalse(after.containsKey("renamed_users"), after.toString());
        assertEquals(2, after.getJsonObject("users").getInt("sum"));
        assertEquals("{\"users\": 2}", Rows.instance(id).get("metrics_json"));
    }

    @Test
    void anApplicationRollsUpItsMostRecentlyReportedKeysOnlyAndSaysHowManyAreLeftOut() throws Exception {
        String app = unique("catalogue");
        // Five instances of 500 keys: 2,500 keys, 500 past the default 2,000. The first reported first
        // (and its keys sort last when reports fall in the same second): its keys are left out.
        for (int n = 1; n <= 5; n++) {
            ShmClient client = activeClient(base, app, "1.0.0");
            JsonObjectBuilder keys = Json.createObjectBuilder();
            for (int k = 0; k < 500; k++) {
                keys.add((n == 1 ? "z" : "a") + n + "_k" + k, 1);
            }
            assertEquals(202, client.snapshot(start, keys.build()).status());
            if (n == 1) {
                Rows.update("UPDATE instance SET metrics_seen = (SELECT jsonb_object_agg(key, CAST(value AS bigint) - 60000)"
                        + " FROM jsonb_each(metrics_seen)) WHERE instance_id = ?", client.identity().instanceId());
            }
        }
        refreshRollups();

        JsonObject stats = stats(app);
        assertEquals(500, stats.getInt("keys_left_out"));
        assertTrue(stats.getJsonObject("metrics").containsKey("a5_k499"));
        assertFalse(stats.getJsonObject("metrics").containsKey("z1_k0"), "left out of the fleet statistics");
        assertEquals(2000, Rows.number("SELECT count(*) FROM metric_key k JOIN application a ON a.id = k.application_id"
                + " WHERE a.slug = ?", app));
        assertEquals(2001, Rows.number("SELECT count(DISTINCT metric_key) FROM fleet_rollup r"
                + " JOIN application a ON a.id = r.application_id WHERE a.slug = ?", app), "2,000 keys and the version");
        assertEquals(0, Rows.number("SELECT count(*) FROM fleet_rollup r JOIN application a ON a.id = r.application_id"
                + " WHERE a.slug = ? AND r.metric_key LIKE 'z1%'", app));
        assertEquals(5, Rows.number("SELECT count(*) FROM snapshot s JOIN instance i ON i.id = s.instance_id"
                + " JOIN application a ON a.id = i.application_id WHERE a.slug = ?", app), "every raw snapshot is stored");
    }

    // ---- timestamps -----------------------------------------------------------------------------------

    @Test
    void snapshotTimestampsOutsideTheAcceptedRangeAreRefusedAndNothingIsStored() throws Exception {
        ShmClient client = activeClient(base, unique("time"), "1.0.0");
        UUID id = client.identity().instanceId();
        for (String timestamp : new String[] {"-9999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
                "+999999999-12-31T23:59:59Z", "2026-13-01T00:00:00Z"}) {
            ShmResponse refused = client.sendSigned("/v1/snapshot", snapshotBody(client, timestamp));
            assertEquals(400, refused.status(), timestamp + ": " + refused.body());
            assertEquals("malformed_field", json(refused.body()).getString("reason"), timestamp);
        }
        Instant beyondRetention = Instant.now().minus(Duration.ofDays(91));
        ShmResponse stale = client.snapshot(beyondRetention, metrics("users", 1));
        assertEquals(409, stale.status(), stale.body());
        assertEquals("stale_snapshot", json(stale.body()).getString("reason"));
        assertEquals(0, Rows.snapshotsOf(id), "nothing of a refused snapshot is stored");
        assertNull(Rows.instance(id).get("last_snapshot_at"));

        ShmResponse withinRetention = client.snapshot(Instant.now().minus(Duration.ofDays(89)), metrics("users", 2));
        assertEquals(202, withinRetention.status(), withinRetention.body());

        ShmResponse activate = client.sendSigned("/v1/activate", signedActivate("-9999-01-01T00:00:00Z", "2.0.0"));
        assertEquals(400, activate.status(), activate.body());
        assertEquals("malformed_field", json(activate.body()).getString("reason"));
        assertEquals("1.0.0", Rows.instance(id).get("app_version"));
    }

    // ---- activate replay --------------------------------------------------------------------------------

    @Test
    void theSdksRestartWithANewVersionShowsItAfterItsFirstSnapshot() throws Exception {
        ShmClient client = activeClient(base, unique("restart"), "1.0.0");
        UUID id = client.identity().instanceId();
        assertEquals(202, client.snapshot(start, metrics("users", 1)).status());

        assertEquals(200, client.register("restart", "2.0.0", "kubernetes", "staging", "linux/arm64").status());
        assertEquals(200, client.activate().status());
        assertEquals("1.0.0", Rows.instance(id).get("app_version"), "a replayable activate alone changes nothing");
        assertEquals(202, client.snapshot(start.plusSeconds(60), metrics("users", 2)).status());

        Map<String, Object> row = Rows.instance(id);
        assertEquals("2.0.0", row.get("app_version"));
        assertEquals("kubernetes", row.get("deployment_mode"));
        assertNull(row.get("pending_app_version"));
        JsonArray changes = history(id);
        assertEquals(1, changes.size(), changes.toString());
        assertEquals("snapshot", changes.getJsonObject(0).getString("source"));
        assertEquals("1.0.0", changes.getJsonObject(0).getJsonObject("old").getString("app_version"));
        assertEquals("2.0.0", changes.getJsonObject(0).getJsonObject("new").getString("app_version"));
        assertEquals("staging", changes.getJsonObject(0).getJsonObject("new").getString("environment"));
    }

    @Test
    void anUnsignedRegisterAndAReplayedActivateLeaveTheVersionUnchanged() throws Exception {
        ShmClient victim = activeClient(base, unique("replay"), "1.0.0");
        UUID id = victim.identity().instanceId();
        assertEquals(202, victim.snapshot(start, metrics("users", 1)).status());
        // What an eavesdropper saw: the constant activate body and its signature.
        byte[] capturedActivate = victim.activateBody();
        Map<String, String> capturedHeaders = victim.signedHeaders(capturedActivate);
        ShmClient attacker = new ShmClient(URI.create(base.toString()), InstanceIdentity.generate(), Http.client());

        // register is unsigned: the public key is public, the rest is the attacker's choice.
        String register = "{\"instance_id\":\"" + id + "\",\"public_key\":\"" + victim.identity().publicKeyHex()
                + "\",\"app_name\":\"replay\",\"app_version\":\"6.6.6\"}";
        assertEquals(200, attacker.send("/v1/register", register.getBytes(StandardCharsets.UTF_8), ShmClient.jsonHeaders()).status());
        assertEquals(200, attacker.send("/v1/activate", capturedActivate, capturedHeaders).status());

        assertEquals("1.0.0", Rows.instance(id).get("app_version"), "no snapshot followed: nothing applied");
        // The confirmation window passes (two minutes by default) before the victim's next snapshot.
        Rows.update("UPDATE instance SET pending_activated_at = pending_activated_at - interval '3 minutes'"
                + " WHERE instance_id = ?", id);
        assertEquals(202, victim.snapshot(start.plusSeconds(3600), metrics("users", 2)).status());

        Map<String, Object> row = Rows.instance(id);
        assertEquals("1.0.0", row.get("app_version"), "the held metadata expired unconfirmed");
        assertNull(row.get("pending_app_version"), "and was dropped");
        assertEquals(0, history(id).size());
    }

    @Test
    void aSignedActivateAppliesAtOnceAndUnsignedMetadataIsIgnoredAfterIt() throws Exception {
        ShmClient client = activeClient(base, unique("signed"), "1.0.0");
        UUID id = client.identity().instanceId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        byte[] signed = signedActivate(ShmClient.timestamp(now), "3.0.0");

        ShmResponse activated = client.sendSigned("/v1/activate", signed);

        assertEquals(200, activated.status(), activated.body());
        assertEquals("3.0.0", json(activated.body()).getString("app_version"));
        assertEquals("3.0.0", Rows.instance(id).get("app_version"), "signed metadata applies at once");
        JsonArray changes = history(id);
        assertEquals("signed_activate", changes.getJsonObject(0).getString("source"));

        assertEquals(200, client.register("signed", "6.6.6", null, null, null).status());
        assertNull(Rows.instance(id).get("pending_app_version"), "unsigned metadata is ignored from now on");
        assertEquals(200, client.activate().status(), "the plain activate still works");
        assertEquals(202, client.snapshot(start, metrics("users", 1)).status());
        assertEquals("3.0.0", Rows.instance(id).get("app_version"));

        ShmResponse replayed = client.sendSigned("/v1/activate", signed);
        assertEquals(409, replayed.status());
        assertEquals("replayed_activate", json(replayed.body()).getString("reason"));
        ShmResponse future = client.sendSigned("/v1/activate", signedActivate(ShmClient.timestamp(now.plus(Duration.ofMinutes(10))), "4.0.0"));
        assertEquals(409, future.status());
        assertEquals("future_activate", json(future.body()).getString("reason"));
        ShmResponse later = client.sendSigned("/v1/activate", signedActivate(ShmClient.timestamp(now.plusSeconds(1)), "3.1.0"));
        assertEquals(200, later.status(), later.body());
        assertEquals("3.1.0", Rows.instance(id).get("app_version"));
        assertEquals(2, history(id).size());
    }

    // ---- no free amplification ------------------------------------------------------------------------

    @Test
    void forgedRequestsForAnUnknownIdReadTheDatabaseOnceAndItsRegistrationClearsThatAtOnce() throws Exception {
        ShmClient owner = newClient(base);
        ShmClient forger = new ShmClient(URI.create(base.toString()),
                InstanceIdentity.fromSeed(owner.identity().instanceId(), InstanceIdentity.generate().seed()), Http.client());
        double missesBefore = counter("shm_cache_misses", "cache=\"unknown_instances\"");
        double hitsBefore = counter("shm_cache_hits", "cache=\"unknown_instances\"");

        for (int i = 0; i < 5; i++) {
            ShmResponse refused = forger.snapshot(start.plusSeconds(i), metrics("users", i));
            assertEquals(403, refused.status());
            assertEquals("unknown_instance", json(refused.body()).getString("reason"));
        }

        assertEquals(missesBefore + 1, counter("shm_cache_misses", "cache=\"unknown_instances\""), "one database read");
        assertEquals(hitsBefore + 4, counter("shm_cache_hits", "cache=\"unknown_instances\""), "the others from memory");
        assertEquals(201, owner.register(unique("late"), "1.0.0", null, null, null).status());
        ShmResponse activated = owner.activate();
        assertEquals(200, activated.status(), "the registration cleared the unknown mark: " + activated.body());
        assertEquals(202, owner.snapshot(start, metrics("users", 1)).status());
    }

    @Test
    void aBadgeForAKeyTheApplicationNeverReportedIsAnsweredFromTheKeyCatalogue() throws Exception {
        String app = unique("badge");
        ShmClient client = activeClient(base, app, "1.0.0");
        assertEquals(202, client.snapshot(start, metrics("users", 3)).status());
        refreshRollups();
        double fromCatalogue = counter("shm_badge_key_reads", "source=\"catalogue\"");
        double fromInstances = counter("shm_badge_key_reads", "source=\"instances\"");

        HttpResponse<String> random = Http.get(base, "badge/" + app + "/metric/" + UUID.randomUUID());

        assertEquals(200, random.statusCode());
        assertTrue(random.body().contains("unknown metric"), random.body());
        assertEquals(fromCatalogue + 1, counter("shm_badge_key_reads", "source=\"catalogue\""));
        assertEquals(fromInstances, counter("shm_badge_key_reads", "source=\"instances\""), "no instance was read");

        HttpResponse<String> known = Http.get(base, "badge/" + app + "/metric/users");
        assertTrue(known.body().contains(">3<"), known.body());
        assertEquals(fromInstances + 1, counter("shm_badge_key_reads", "source=\"instances\""));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private AdminClient admin() {
        return AdminClient.withTestToken(base);
    }

    private void refreshRollups() {
        AdminClient.ok(admin().post("/api/v1/admin/maintenance/rollups", null));
    }

    private JsonObject stats(String app) {
        return AdminClient.ok(admin().get("/api/v1/admin/applications/" + app + "/stats")).asJsonObject();
    }

    private JsonArray history(UUID id) {
        return AdminClient.ok(admin().get("/api/v1/admin/instances/" + id + "/metadata-history")).asJsonObject()
                .getJsonArray("changes");
    }

    private static long currentKeys(UUID id) {
        return Rows.number("SELECT count(*) FROM instance i, jsonb_object_keys(i.metrics) WHERE i.instance_id = ?", id);
    }

    private static byte[] snapshotBody(ShmClient client, String timestamp) {
        return ("{\"instance_id\":\"" + client.identity().instanceId() + "\",\"timestamp\":\"" + timestamp
                + "\",\"metrics\":{\"users\":1}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The signed activate of the protocol's extension. */
    private static byte[] signedActivate(String timestamp, String version) {
        return ("{\"action\":\"activate\",\"timestamp\":\"" + timestamp + "\",\"metadata\":{\"app_version\":\"" + version
                + "\",\"deployment_mode\":\"docker\",\"environment\":\"production\",\"os_arch\":\"linux/amd64\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A value from the Prometheus text of /metrics. */
    private double counter(String name, String label) {
        HttpResponse<String> metrics = Http.get(base, "metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " " + label + " not in:\n" + metrics.body()));
    }
}
