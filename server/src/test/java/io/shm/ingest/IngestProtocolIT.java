package io.shm.ingest;

import static io.shm.ingest.IngestClients.activeClient;
import static io.shm.ingest.IngestClients.assertProblem;
import static io.shm.ingest.IngestClients.json;
import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.Rows;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
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
 * The wire protocol as existing SHM clients speak it (PROTOCOL.md), and what this server refuses:
 * every row of the status table, hijack, spoofing, replays, and
 * each input limit at its bound and one past it (the independent vectors: {@link ProtocolVectorsIT}).
 * Rate limits are off in this deployment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IngestProtocolIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    // ---- register ------------------------------------------------------------------------------

    @Test
    void newInstanceIs201AndTheSameInstanceAgainIs200() throws Exception {
        ShmClient client = newClient(base);
        ShmResponse first = client.register("Ma Super Appli", "1.0.0", "docker", "production", "linux/amd64");
        ShmResponse second = client.register("Ma Super Appli", "1.0.0", "docker", "production", "linux/amd64");

        assertEquals(201, first.status(), first.body());
        assertEquals(200, second.status(), second.body());
        assertEquals("ma-super-appli", Rows.instance(client.identity().instanceId()).get("slug"));
        assertEquals("pending", json(first.body()).getString("status"));
    }

    @Test
    void registeringAKnownIdWithAnotherKeyIs409AndChangesNothing() throws Exception {
        ShmClient owner = activeClient(base, "Hijack Target", "1.0.0");
        UUID id = owner.identity().instanceId();
        byte[] keyBefore = (byte[]) Rows.instance(id).get("public_key");
        ShmClient thief = new ShmClient(URI.create(base.toString()),
                InstanceIdentity.fromSeed(id, InstanceIdentity.generate().seed()), Http.client());

        ShmResponse hijack = thief.register("Hijack Target", "6.6.6", "docker", "production", "linux/amd64");

        assertEquals(409, hijack.status());
        assertEquals("key_conflict", json(hijack.body()).getString("reason"));
        assertArrayEquals(keyBefore, (byte[]) Rows.instance(id).get("public_key"));
        assertEquals("1.0.0", Rows.instance(id).get("app_version"));
        assertNull(Rows.instance(id).get("pending_app_version"));
        assertEquals(403, thief.snapshot(start, metrics("users", 1)).status(), "the thief's signature is refused");
        assertEquals(202, owner.snapshot(start, metrics("users", 1)).status(), "the owner goes on");
    }

    @Test
    void unsignedMetadataWaitsForTheNextActivateAndASignedSnapshotAfterIt() throws Exception {
        ShmClient client = activeClient(base, "Upgrade App", "1.0.0");
        UUID id = client.identity().instanceId();

        ShmResponse reRegister = client.register("Upgrade App", "2.0.0", "kubernetes", "staging", "linux/arm64");

        assertEquals(200, reRegister.status());
        assertEquals("1.0.0", Rows.instance(id).get("app_version"), "not applied on an unsigned register");
        assertEquals("docker", Rows.instance(id).get("deployment_mode"));
        assertEquals("2.0.0", Rows.instance(id).get("pending_app_version"));

        assertEquals(200, client.activate().status());
        assertEquals("1.0.0", Rows.instance(id).get("app_version"), "an activate can be replayed: not enough alone");
        assertEquals(202, client.snapshot(start, metrics("users", 1)).status());

        Map<String, Object> after = Rows.instance(id);
        assertEquals("2.0.0", after.get("app_version"));
        assertEquals("kubernetes", after.get("deployment_mode"));
        assertEquals("staging", after.get("environment"));
        assertEquals("linux/arm64", after.get("os_arch"));
        assertNull(after.get("pending_app_version"));
    }

    @Test
    void activatingTwiceSucceedsAndAcceptsAnyJsonObject() throws Exception {
        ShmClient client = activeClient(base, "Twice", "1.0.0");

        ShmResponse again = client.sendSigned("/v1/activate", "{\"whatever\":[1,2,3]}".getBytes(StandardCharsets.UTF_8));

        assertEquals(200, again.status(), again.body());
        assertEquals("active", json(again.body()).getString("status"));
        assertEquals("ACTIVE", Rows.instance(client.identity().instanceId()).get("status"));
    }

    @Test
    void malformedRegistrationsAre400WithTheirReason() throws Exception {
        ShmClient raw = newClient(base);
        String key = raw.identity().publicKeyHex();
        String id = UUID.randomUUID().toString();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("not json", "not_json");
        cases.put("[1,2]", "not_an_object");
        cases.put("\"just a string\"", "not_an_object");
        cases.put("[".repeat(20_000), "not_json");
        cases.put("{\"public_key\":\"" + key + "\",\"app_name\":\"x\",\"app_version\":\"1\"}", "missing_field");
        cases.put("{\"instance_id\":\"not-a-uuid\",\"public_key\":\"" + key + "\",\"app_name\":\"x\",\"app_version\":\"1\"}", "malformed_field");
        cases.put("{\"instance_id\":\"" + id + "\",\"public_key\":\"" + key + "\",\"app_name\":\"\",\"app_version\":\"1\"}", "missing_field");
        cases.put("{\"instance_id\":\"" + id + "\",\"public_key\":\"" + key + "\",\"app_name\":\"x\",\"app_version\":1}", "malformed_field");
        cases.put("{\"instance_id\":\"" + id + "\",\"public_key\":42,\"app_name\":\"x\",\"app_version\":\"1\"}", "malformed_field");
        cases.put("{\"instance_id\":\"" + id + "\",\"public_key\":\"" + key.substring(2) + "\",\"app_name\":\"x\",\"app_version\":\"1\"}", "invalid_public_key");
        // the identity point: every signature would verify with it
        cases.put("{\"instance_id\":\"" + id + "\",\"public_key\":\"0100000000000000000000000000000000000000000000000000000000000000\",\"app_name\":\"x\",\"app_version\":\"1\"}", "invalid_public_key");
        cases.put("{\"instance_id\":\"" + id + "\",\"public_key\":\"" + key + "\",\"app_name\":\"x\",\"app_version\":\"" + "9".repeat(101) + "\"}", "malformed_field");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ShmResponse response = raw.send("/v1/register", c.getKey().getBytes(StandardCharsets.UTF_8), ShmClient.jsonHeaders());
            assertEquals(400, response.status(), c.getKey());
            assertEquals(c.getValue(), json(response.body()).getString("reason"), c.getKey());
        }
        assertEquals(0, Rows.instancesWithId(UUID.fromString(id)));
    }

    // ---- snapshot ------------------------------------------------------------------------------

    @Test
    void snapshotIs202AndUpdatesTheInstanceInOneGo() throws Exception {
        ShmClient client = activeClient(base, "Snap", "1.0.0");
        UUID id = client.identity().instanceId();

        ShmResponse first = client.snapshot(start, metrics("users", 10, "sys_os", "linux"));
        ShmResponse second = client.snapshot(start.plusSeconds(60), metrics("users", 12));

        assertEquals(202, first.status(), first.body());
        assertEquals("{\"status\":\"ok\",\"message\":\"Snapshot received\"}", second.body());
        assertEquals(2, Rows.snapshotsOf(id));
        JsonObject current = json((String) Rows.instance(id).get("metrics_json"));
        assertEquals(12, current.getInt("users"), "the latest value");
        assertEquals("linux", current.getString("sys_os"), "a key keeps its last reported value");
    }

    @Test
    void aBodyNamingAnotherInstanceIs403() throws Exception {
        ShmClient attacker = activeClient(base, "Spoof", "1.0.0");
        ShmClient victim = activeClient(base, "Spoof", "1.0.0");
        String body = "{\"instance_id\":\"" + victim.identity().instanceId() + "\",\"timestamp\":\""
                + ShmClient.timestamp(start) + "\",\"metrics\":{\"users\":999999}}";

        ShmResponse spoof = attacker.sendSigned("/v1/snapshot", body.getBytes(StandardCharsets.UTF_8));

        assertEquals(403, spoof.status());
        assertEquals("instance_mismatch", json(spoof.body()).getString("reason"));
        assertEquals(0, Rows.snapshotsOf(victim.identity().instanceId()));
        assertEquals(0, Rows.snapshotsOf(attacker.identity().instanceId()));
    }

    @Test
    void replaysOutOfOrderAndFutureSnapshotsAre409AndChangeNothing() throws Exception {
        ShmClient client = activeClient(base, "Replay", "1.0.0");
        UUID id = client.identity().instanceId();
        byte[] body = client.snapshotBody(start.plusSeconds(120), metrics("users", 5));
        assertEquals(202, client.sendSigned("/v1/snapshot", body).status());
        Object lastSeen = Rows.instance(id).get("last_seen");

        ShmResponse replay = client.sendSigned("/v1/snapshot", body);
        ShmResponse older = client.snapshot(start.plusSeconds(60), metrics("users", 1));
        ShmResponse future = client.snapshot(Instant.now().plus(Duration.ofMinutes(6)), metrics("users", 2));

        assertEquals(409, replay.status());
        assertEquals("replayed_snapshot", json(replay.body()).getString("reason"));
        assertEquals(409, older.status());
        assertEquals(409, future.status());
        assertEquals("future_snapshot", json(future.body()).getString("reason"));
        assertEquals(1, Rows.snapshotsOf(id));
        assertEquals(lastSeen, Rows.instance(id).get("last_seen"), "a refusal does not refresh last-seen");
        assertEquals(5, json((String) Rows.instance(id).get("metrics_json")).getInt("users"));

        ShmResponse withinSkew = client.snapshot(Instant.now().plus(Duration.ofMinutes(4)), metrics("users", 6));
        assertEquals(202, withinSkew.status(), "a clock a little ahead is tolerated");
    }

    @Test
    void signatureProblemsAre401Or403() throws Exception {
        ShmClient client = activeClient(base, "Sig", "1.0.0");
        byte[] body = client.snapshotBody(start, metrics("users", 1));
        Map<String, String> onlyId = new HashMap<>(ShmClient.jsonHeaders());
        onlyId.put(ShmClient.INSTANCE_ID_HEADER, client.identity().instanceId().toString());
        Map<String, String> onlySignature = new HashMap<>(ShmClient.jsonHeaders());
        onlySignature.put(ShmClient.SIGNATURE_HEADER, client.identity().sign(body));
        Map<String, String> unknown = new HashMap<>(client.signedHeaders(body));
        unknown.put(ShmClient.INSTANCE_ID_HEADER, UUID.randomUUID().toString());
        Map<String, String> garbageId = new HashMap<>(client.signedHeaders(body));
        garbageId.put(ShmClient.INSTANCE_ID_HEADER, "../../etc/passwd");
        Map<String, String> garbageSignature = new HashMap<>(client.signedHeaders(body));
        garbageSignature.put(ShmClient.SIGNATURE_HEADER, "\u00e9".repeat(128));

        assertEquals(401, client.send("/v1/snapshot", body, onlyId).status());
        assertEquals(401, client.send("/v1/snapshot", body, onlySignature).status());
        assertEquals(401, client.send("/v1/snapshot", body, ShmClient.jsonHeaders()).status());
        assertEquals(403, client.send("/v1/snapshot", body, unknown).status());
        assertEquals(403, client.send("/v1/snapshot", body, garbageId).status());
        assertEquals(403, client.send("/v1/snapshot", body, garbageSignature).status());
        assertEquals(401, client.send("/v1/activate", client.activateBody(), onlyId).status());
        assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()));
    }

    @Test
    void aRevokedInstanceIsRefused() throws Exception {
        ShmClient client = activeClient(base, "Revoked", "1.0.0");
        assertEquals(202, client.snapshot(start, metrics("users", 1)).status());

        Rows.revoke(client.identity().instanceId());

        ShmResponse snapshot = client.snapshot(start.plusSeconds(60), metrics("users", 2));
        assertEquals(403, snapshot.status());
        assertEquals("revoked_instance", json(snapshot.body()).getString("reason"));
        assertEquals(403, client.activate().status());
        assertEquals(1, Rows.snapshotsOf(client.identity().instanceId()));
    }

    @Test
    void wrongMethodIs405AndAFormContentTypeIs415() throws Exception {
        ShmClient client = activeClient(base, "Types", "1.0.0");
        byte[] body = client.snapshotBody(start, metrics("users", 1));
        Map<String, String> asForm = new HashMap<>(client.signedHeaders(body));
        asForm.put("Content-Type", "application/x-www-form-urlencoded");

        HttpResponse<String> get = Http.get(base, "v1/snapshot");
        ShmResponse form = client.send("/v1/snapshot", body, asForm);

        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse("").replace("OPTIONS", "").replaceAll("[ ,]", ""));
        assertTrue(get.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals(415, form.status());
        assertProblem(form);
        assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()));
    }

    // ---- limits: at the bound accepted, one past refused ---------------------------------------

    @Test
    void bodySizeLimitHoldsWithAndWithoutContentLength() throws Exception {
        ShmClient client = activeClient(base, "Big", "1.0.0");
        byte[] atLimit = padTo(client.snapshotBody(start, metrics("users", 1)), 65536);
        byte[] pastLimit = padTo(client.snapshotBody(start.plusSeconds(1), metrics("users", 2)), 65537);

        assertEquals(202, client.sendSigned("/v1/snapshot", atLimit).status());
        assertEquals(413, client.sendSigned("/v1/snapshot", pastLimit).status());

        HttpRequest.Builder chunked = HttpRequest.newBuilder(Http.resolve(base, "v1/snapshot"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(pastLimit)));
        client.signedHeaders(pastLimit).forEach(chunked::header);
        HttpResponse<String> response = Http.send(chunked.build());
        assertEquals(413, response.statusCode(), "a chunked body is counted as it arrives");
        assertEquals(1, Rows.snapshotsOf(client.identity().instanceId()));
    }

    @Test
    void metricKeyCountLimit() throws Exception {
        assertLimit(manyKeys(500), manyKeys(501), "too_many_keys");
    }

    @Test
    void metricKeyLengthLimit() throws Exception {
        assertLimit("{\"" + "k".repeat(128) + "\":1}", "{\"" + "k".repeat(129) + "\":1}", "key_too_long");
        // Counted in characters (code points), as PostgreSQL counts them: an emoji is one.
        assertLimit("{\"" + "\uD83D\uDE80".repeat(128) + "\":1}", "{\"" + "\uD83D\uDE80".repeat(129) + "\":1}", "key_too_long");
    }

    @Test
    void metricKeyAlphabet() throws Exception {
        assertLimit("{\"\u65e5\u672c\u8a9e_\u043a\u043b\u044e\u0447.v2:p/95-x\":1}", "{\"users\\u0007count\":1}", "key_not_allowed");
        assertLimit("{\"users count\":1,\"<script>\":2}", "{\"line\\nbreak\":1}", "key_not_allowed");
        assertLimit("{\"caf\u00e9\":1}", "{\"\":1}", "key_not_allowed");
    }

    @Test
    void stringValueLengthLimit() throws Exception {
        assertLimit("{\"s\":\"" + "\u00e9".repeat(1024) + "\"}", "{\"s\":\"" + "x".repeat(1025) + "\"}", "string_too_long");
    }

    @Test
    void nestingDepthLimit() throws Exception {
        assertLimit(nested(8), nested(9), "too_deep");
    }

    @Test
    void numberSizeLimit() throws Exception {
        assertLimit("{\"big\":1e999,\"small\":1e-1000,\"n\":" + "9".repeat(1000) + "}", "{\"big\":1e1000}", "number_out_of_range");
        assertLimit("{\"x\":1}", "{\"tiny\":1e-1001}", "number_out_of_range");
    }

    @Test
    void textWithANulCharacterIsRefusedNotStored() throws Exception {
        assertLimit("{\"s\":\"a\\u0001b\"}", "{\"s\":\"a\\u0000b\"}", "nul_character");
        assertLimit("{\"o\":{\"k\":1}}", "{\"o\":{\"k\\u0000\":1}}", "nul_character");

        ShmClient raw = newClient(base);
        String register = "{\"instance_id\":\"" + raw.identity().instanceId() + "\",\"public_key\":\""
                + raw.identity().publicKeyHex() + "\",\"app_name\":\"x\\u0000y\",\"app_version\":\"1\"}";
        ShmResponse refused = raw.send("/v1/register", register.getBytes(StandardCharsets.UTF_8), ShmClient.jsonHeaders());
        assertEquals(400, refused.status());
        assertEquals("nul_character", json(refused.body()).getString("reason"));
    }

    @Test
    void everyAcceptanceAndRefusalIsCountedByReason() throws Exception {
        ShmClient client = activeClient(base, "Counted", "1.0.0");
        double acceptedBefore = counter("shm_ingest_accepted_total", "kind=\"snapshot\"");
        double badSignatureBefore = counter("shm_ingest_refused_total", "reason=\"bad_signature\"");
        byte[] body = client.snapshotBody(start, metrics("users", 1));
        Map<String, String> forged = new HashMap<>(client.signedHeaders(body));
        forged.put(ShmClient.SIGNATURE_HEADER, InstanceIdentity.generate().sign(body));

        assertEquals(403, client.send("/v1/snapshot", body, forged).status());
        assertEquals(202, client.sendSigned("/v1/snapshot", body).status());

        assertEquals(badSignatureBefore + 1, counter("shm_ingest_refused_total", "reason=\"bad_signature\""));
        assertEquals(acceptedBefore + 1, counter("shm_ingest_accepted_total", "kind=\"snapshot\""));
        assertEquals(0.0, counter("shm_ingest_refused_total", "reason=\"database_unavailable\""), "listed before it ever happens");
    }

    /** A counter from the Prometheus text of /metrics. */
    private double counter(String name, String label) {
        HttpResponse<String> metrics = Http.get(base, "metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " " + label + " not in:\n" + metrics.body()));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void assertLimit(String acceptedMetrics, String refusedMetrics, String reason) throws Exception {
        ShmClient client = activeClient(base, "Limits", "1.0.0");
        UUID id = client.identity().instanceId();

        ShmResponse refused = client.snapshot(start, json(refusedMetrics));
        assertEquals(400, refused.status(), refused.body());
        assertEquals(reason, json(refused.body()).getString("reason"));
        assertEquals(0, Rows.snapshotsOf(id), "nothing of a refused snapshot is stored");
        assertEquals("{}", Rows.instance(id).get("metrics_json"));

        ShmResponse accepted = client.snapshot(start.plusSeconds(1), json(acceptedMetrics));
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals(1, Rows.snapshotsOf(id));
    }

    private static String manyKeys(int count) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return json.append('}').toString();
    }

    /** Metrics nested {@code levels} deep, the metrics object itself being level 1. */
    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{\"leaf\":1}" + "}".repeat(levels - 1);
    }

    /** The same JSON, padded with spaces before its last brace to exactly {@code size} bytes. */
    private static byte[] padTo(byte[] json, int size) {
        String text = new String(json, StandardCharsets.UTF_8);
        String padded = text.substring(0, text.length() - 1) + " ".repeat(size - json.length) + "}";
        byte[] bytes = padded.getBytes(StandardCharsets.UTF_8);
        assertEquals(size, bytes.length);
        return bytes;
    }
}
