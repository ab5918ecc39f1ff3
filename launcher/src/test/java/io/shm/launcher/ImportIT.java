package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import io.shm.testing.ServerProcess;
import io.shm.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/shm.jar import --from <DSN>} as a user moving from the original SHM server
 * runs it: from a database with the original's schema (src/test/resources/original-shm/schema.sql)
 * into the launcher's embedded database, before the server has ever started there; then the server
 * serves the imported fleet (series and fleet values worked out by hand below), the imported
 * instances report with their own keys at once, a second import changes nothing, a later one brings
 * only what is new, and every bad source is refused with exit code 2 and nothing written.
 */
class ImportIT {

    /** Payara Micro boots in well under a minute alone; the machine may be shared with other builds. */
    private static final Duration READY_WITHIN = Duration.ofMinutes(8);
    /** The rollup job runs every minute; twice that and a margin for a loaded machine. */
    private static final Duration ROLLUPS_WITHIN = Duration.ofMinutes(4);
    private static final String ADMIN_TOKEN = "import-it-admin-token-0123456789abcdef";

    private static EmbeddedPostgres original;
    private static Path dataDir;
    private static int databasePort;

    /** The day the hand-worked series start: ten days ago, beyond the rollup job's first look-back of eight. */
    private static final Instant D = LocalDate.now(ZoneOffset.UTC).minusDays(10).atStartOfDay(ZoneOffset.UTC).toInstant();

    private static final InstanceIdentity P1 = InstanceIdentity.generate();
    private static final InstanceIdentity P2 = InstanceIdentity.generate();
    private static final InstanceIdentity P3 = InstanceIdentity.generate();
    private static final InstanceIdentity CAFE = InstanceIdentity.generate();
    private static final InstanceIdentity UNKNOWN = InstanceIdentity.generate();
    private static final UUID PHOTO_VAULT = UUID.randomUUID();

    @BeforeAll
    static void startOriginalDatabase() throws Exception {
        Path sourceDir = Path.of("target", "import-it-source").toAbsolutePath();
        LocalMachine.deleteRecursively(sourceDir);
        original = LocalPostgres.in(sourceDir).start();
        dataDir = Path.of("target", "import-it-data").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        databasePort = LocalMachine.freePort();
    }

    @AfterAll
    static void stopOriginalDatabase() throws IOException {
        if (original != null) {
            original.close();
        }
    }

    @Test
    void importsAnOriginalDatabaseThatTheServerThenServes() throws Exception {
        createDatabase("original");
        try (Connection source = sourceConnection("original")) {
            run(source, new String(ImportIT.class.getResourceAsStream("/original-shm/schema.sql").readAllBytes(),
                    StandardCharsets.UTF_8));
            fillOriginal(source);
        }

        // Before the server has ever run on its data folder: the import starts the embedded database,
        // creates the server's schema, imports, and stops the database again.
        Result first = importFrom(dsn("original"));
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("Created this server's schema"), first.out());
        assertTrue(first.out().contains("Imported 4 applications, 5 instances, 8 snapshots"), first.out());
        assertTrue(first.out().contains("1 older than 90 days"), first.out());
        assertTrue(first.out().contains("9 snapshots: 8 to import"), first.out());

        int port = LocalMachine.freePort();
        URL base = new URL("http://localhost:" + port + "/");
        try (ServerProcess server = startServer(port)) {
            AdminClient admin = new AdminClient(base, ADMIN_TOKEN);
            checkImportedFleet(admin);

            String before = fingerprint();
            Result again = importFrom(dsn("original"));
            assertEquals(0, again.exit(), again.toString());
            assertTrue(again.out().contains("Nothing new: 4 applications, 5 instances, 8 snapshots already present"),
                    again.out());
            assertEquals(before, fingerprint(), "a second import changes nothing");

            refusesBadSourcesWritingNothing();

            // An instance the server already knows under another key is a conflict, never overwritten;
            // a snapshot newer than what was imported comes with a later import, and the running
            // server's rollup job picks its buckets up.
            InstanceIdentity registeredHere = InstanceIdentity.generate();
            ShmClient here = new ShmClient(URI.create(base.toString()), registeredHere, Http.client());
            assertEquals(201, here.register("Photo Vault", "1.2.0", null, null, null).status());
            InstanceIdentity otherKey = InstanceIdentity.fromSeed(registeredHere.instanceId(), InstanceIdentity.generate().seed());
            try (Connection source = sourceConnection("original")) {
                instance(source, otherKey, "Photo Vault", "1.2.0", "active", PHOTO_VAULT, D, D.plus(2, ChronoUnit.DAYS));
                snapshot(source, otherKey, D.plus(2, ChronoUnit.DAYS), "{\"users\": 50}");
                snapshot(source, P2, at(2, 12, 30), "{\"users\": 6}");
            }
            Result later = importFrom(dsn("original"));
            assertEquals(0, later.exit(), later.toString());
            assertTrue(later.out().contains("Imported 0 applications, 0 instances, 1 snapshots"), later.out());
            assertTrue(later.out().contains("Skipped 1 instances already here with another public key"), later.out());
            assertArrayEquals(registeredHere.publicKey(), publicKeyHere(registeredHere.instanceId()), "the key stays");
            awaitSeries(admin, "hour", at(2, 12, 0), 16, 2);

            // Imported instances report with the identity their SDK already has: no registration.
            ShmClient p2 = new ShmClient(URI.create(base.toString()), P2, Http.client());
            var replayed = p2.snapshot(at(2, 12, 0), Json.createObjectBuilder().add("users", 1).build());
            assertEquals(409, replayed.status(), replayed.body());
            assertTrue(replayed.body().contains("replayed_snapshot"), replayed.body());
            ShmClient p1 = new ShmClient(URI.create(base.toString()), P1, Http.client());
            var fresh = p1.snapshot(Instant.now().truncatedTo(ChronoUnit.MILLIS), Json.createObjectBuilder().add("users", 11).build());
            assertEquals(202, fresh.status(), fresh.body());

            server.stop();
        }
    }

    /**
     * The original: Photo Vault (with its GitHub URL, stars and logo) and an application without
     * instances; P1, P2 (active) and P3 (revoked) of Photo Vault; an instance of "Café Süd" and one
     * of the original's default 'unknown_app', both without application_id (their applications are
     * made from the slug of the name). Nine snapshots, one older than the retention.
     */
    private static void fillOriginal(Connection source) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("""
                INSERT INTO applications (id, app_slug, app_name, github_url, github_stars, github_stars_updated_at,
                                          logo_url, created_at, updated_at)
                VALUES (?, 'photo-vault', 'Photo Vault', 'https://github.com/example/photo-vault', 42, ?,
                        'https://example.com/photo-vault.png', ?, ?),
                       (gen_random_uuid(), 'old-tool', 'Old Tool', NULL, 0, NULL, NULL, ?, ?)""")) {
            statement.setObject(1, PHOTO_VAULT);
            for (int i = 2; i <= 6; i++) {
                statement.setObject(i, D.atOffset(ZoneOffset.UTC));
            }
            statement.executeUpdate();
        }
        Instant created = D.minus(120, ChronoUnit.DAYS);
        instance(source, P1, "Photo Vault", "1.0.0", "active", PHOTO_VAULT, created, at(2, 12, 0));
        instance(source, P2, "Photo Vault", "1.1.0", "active", PHOTO_VAULT, D, at(1, 9, 30));
        instance(source, P3, "Photo Vault", "1.0.0", "revoked", PHOTO_VAULT, D, at(0, 10, 20));
        instance(source, CAFE, "Café Süd", "", "active", null, D, at(1, 8, 0));
        try (PreparedStatement statement = source.prepareStatement(
                "INSERT INTO instances (instance_id, public_key, status) VALUES (?, convert_to(?, 'UTF8'), 'pending')")) {
            statement.setObject(1, UNKNOWN.instanceId());
            statement.setString(2, UNKNOWN.publicKeyHex());
            statement.executeUpdate();
        }
        snapshot(source, P1, Instant.now().minus(100, ChronoUnit.DAYS), "{\"users\": 1, \"legacy_count\": 3}");
        snapshot(source, P1, at(0, 10, 15), "{\"users\": 5, \"Active Users\": 2, \"plan\": \"pro\"}");
        snapshot(source, P1, at(0, 10, 45), "{\"users\": 7}");
        snapshot(source, P1, at(1, 9, 0), "{\"users\": 8}");
        snapshot(source, P1, at(2, 12, 0), "{\"users\": 10}");
        snapshot(source, P2, at(0, 10, 30), "{\"users\": 3}");
        snapshot(source, P2, at(1, 9, 30), "{\"users\": 4}");
        snapshot(source, P3, at(0, 10, 20), "{\"users\": 100}");
        snapshot(source, CAFE, at(1, 8, 0), "{\"cpu%\": 12.5}");
    }

    private static void checkImportedFleet(AdminClient admin) throws Exception {
        JsonObject photoVault = admin.object("api/v1/admin/applications/photo-vault");
        assertEquals("Photo Vault", photoVault.getString("name"));
        assertEquals("https://github.com/example/photo-vault", photoVault.getString("github_url"));
        assertEquals(42, photoVault.getInt("github_stars"));
        assertEquals("https://example.com/photo-vault.png", photoVault.getString("logo_url"));
        assertEquals("Café Süd", admin.object("api/v1/admin/applications/cafe-sud").getString("name"));
        assertEquals("unknown_app", admin.object("api/v1/admin/applications/unknown-app").getString("name"));
        admin.object("api/v1/admin/applications/old-tool");

        JsonObject stats = admin.object("api/v1/admin/stats");
        assertEquals(5, stats.getInt("total_instances"));
        assertEquals(3, stats.getInt("active_instances"), "P1, P2 and Café Süd; P3 is revoked, the unknown app's pending");
        assertEquals(1, stats.getInt("pending_instances"));
        assertEquals(1, stats.getInt("revoked_instances"));

        // Current values, merged as the server keeps them: P1 {users 10, Active Users 2, plan pro,
        // legacy_count 3 from its snapshot older than the retention}, P2 {users 4}.
        JsonObject users = admin.object("api/v1/admin/applications/photo-vault/stats").getJsonObject("metrics")
                .getJsonObject("users");
        assertEquals(2, users.getInt("instances"));
        assertEquals(14, users.getJsonNumber("sum").intValue());
        assertEquals(4, users.getJsonNumber("min").intValue());
        assertEquals(10, users.getJsonNumber("max").intValue());
        JsonObject photoMetrics = admin.object("api/v1/admin/applications/photo-vault/stats").getJsonObject("metrics");
        assertEquals(3, photoMetrics.getJsonObject("legacy_count").getJsonNumber("sum").intValue());
        assertEquals(2, photoMetrics.getJsonObject("Active Users").getJsonNumber("sum").intValue());

        // Series: per bucket each active instance's last value in it, summed. Hour D 10:00: P1's 7 (after
        // its 5) and P2's 3; P3 is revoked. Day D+1: P1's 8 and P2's 4. Day D+2: P1's 10 alone.
        awaitSeries(admin, "hour", at(0, 10, 0), 10, 2);
        JsonArray hours = series(admin, "hour");
        assertEquals(List.of(at(0, 10, 0) + "=10/2", at(1, 9, 0) + "=12/2", at(2, 12, 0) + "=10/1"), points(hours));
        assertEquals(List.of(D + "=10/2", D.plus(1, ChronoUnit.DAYS) + "=12/2", D.plus(2, ChronoUnit.DAYS) + "=10/1"),
                points(series(admin, "day")));
        JsonArray cpu = admin.object("api/v1/admin/applications/cafe-sud/series?key=cpu%25&bucket=day&from=" + D
                + "&to=" + D.plus(3, ChronoUnit.DAYS)).getJsonArray("points");
        assertEquals(List.of(D.plus(1, ChronoUnit.DAYS) + "=12.5/1"), points(cpu));
    }

    private static JsonArray series(AdminClient admin, String bucket) {
        return admin.object("api/v1/admin/applications/photo-vault/series?key=users&bucket=" + bucket + "&from=" + D
                + "&to=" + D.plus(3, ChronoUnit.DAYS)).getJsonArray("points");
    }

    /** Waits for the rollup job to have computed a bucket as expected (it runs every minute). */
    private static void awaitSeries(AdminClient admin, String bucket, Instant start, int sum, int instances)
            throws InterruptedException {
        String expected = start + "=" + sum + "/" + instances;
        long deadline = System.nanoTime() + ROLLUPS_WITHIN.toNanos();
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = points(series(admin, bucket));
            if (seen.contains(expected)) {
                return;
            }
            TimeUnit.SECONDS.sleep(2);
        }
        throw new AssertionError("the rollup job did not compute " + expected + " within " + ROLLUPS_WITHIN + "; series: " + seen);
    }

    private static List<String> points(JsonArray points) {
        List<String> out = new ArrayList<>();
        for (JsonObject point : points.getValuesAs(JsonObject.class)) {
            out.add(Instant.parse(point.getString("t")) + "=" + point.getJsonNumber("sum").bigDecimalValue().stripTrailingZeros()
                    .toPlainString() + "/" + point.getInt("instances"));
        }
        return out;
    }

    /** Each bad source exits with 2, says why in one line on stderr, and leaves the database as it was. */
    private static void refusesBadSourcesWritingNothing() throws Exception {
        createDatabase("unrelated");
        try (Connection unrelated = sourceConnection("unrelated")) {
            run(unrelated, "CREATE TABLE things (id int PRIMARY KEY, name text)");
        }
        createDatabase("halfway");
        try (Connection halfway = sourceConnection("halfway")) {
            String schema = new String(ImportIT.class.getResourceAsStream("/original-shm/schema.sql").readAllBytes(),
                    StandardCharsets.UTF_8);
            run(halfway, schema.substring(0, schema.indexOf("-- The second migration.")));
        }
        int closedPort = LocalMachine.freePort();
        Map<String, String> cases = Map.of(
                "mysql://shm:secret@localhost/shm", "postgres://",
                "postgres://shm:secret@localhost:5432/shm?sslmode=sometimes", "sslmode",
                "postgres://shm:secret@127.0.0.1:" + closedPort + "/shm?sslmode=disable", "cannot connect",
                dsn("unrelated"), "is not an SHM database",
                dsn("halfway"), "half-migrated SHM database: it has no applications table");
        String before = fingerprint();
        for (var badSource : cases.entrySet()) {
            Result result = importFrom(badSource.getKey());
            assertEquals(2, result.exit(), badSource.getKey() + ": " + result);
            List<String> errors = result.err().lines().filter(line -> !line.isBlank()).toList();
            assertEquals(1, errors.size(), "one line: " + errors);
            assertTrue(errors.get(0).contains(badSource.getValue()), errors.get(0));
            assertTrue(!errors.get(0).contains("secret"), "the password is never shown: " + errors.get(0));
            assertEquals(before, fingerprint(), badSource.getKey() + " wrote nothing");
        }
    }

    // The original's rows.

    private static Instant at(int day, int hour, int minute) {
        return D.plus(day, ChronoUnit.DAYS).plus(hour, ChronoUnit.HOURS).plus(minute, ChronoUnit.MINUTES);
    }

    private static void instance(Connection source, InstanceIdentity identity, String appName, String version,
                                 String status, UUID applicationId, Instant created, Instant lastSeen) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("""
                INSERT INTO instances (instance_id, public_key, app_name, app_version, deployment_mode, environment,
                                       os_arch, status, last_seen_at, created_at, application_id)
                VALUES (?, convert_to(?, 'UTF8'), ?, ?, 'docker', 'production', 'linux/amd64', ?, ?, ?, ?)""")) {
            statement.setObject(1, identity.instanceId());
            statement.setString(2, identity.publicKeyHex());
            statement.setString(3, appName);
            statement.setString(4, version);
            statement.setString(5, status);
            statement.setObject(6, lastSeen.atOffset(ZoneOffset.UTC));
            statement.setObject(7, created.atOffset(ZoneOffset.UTC));
            statement.setObject(8, applicationId);
            statement.executeUpdate();
        }
    }

    private static void snapshot(Connection source, InstanceIdentity identity, Instant at, String data) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement(
                "INSERT INTO snapshots (instance_id, snapshot_at, data) VALUES (?, ?, CAST(? AS jsonb))")) {
            statement.setObject(1, identity.instanceId());
            statement.setObject(2, at.atOffset(ZoneOffset.UTC));
            statement.setString(3, data);
            statement.executeUpdate();
        }
    }

    private static void createDatabase(String name) throws SQLException {
        LocalPostgres.createDatabase(original, name);
    }

    private static Connection sourceConnection(String database) throws SQLException {
        return original.getDatabase(LocalPostgres.SUPERUSER, database).getConnection();
    }

    private static String dsn(String database) {
        return "postgres://postgres:secret@localhost:" + original.getPort() + "/" + database + "?sslmode=disable";
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    // This server's database.

    private static Connection targetConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + databasePort + "/shm", "postgres", "postgres");
    }

    /** Everything the import writes, in one string: equal strings, nothing written. */
    private static String fingerprint() throws SQLException {
        try (Connection target = targetConnection(); Statement statement = target.createStatement();
             ResultSet row = statement.executeQuery("""
                     SELECT (SELECT md5(string_agg(a::text, ',' ORDER BY a.id)) FROM application a)
                         || (SELECT md5(string_agg(i::text, ',' ORDER BY i.id)) FROM instance i)
                         || (SELECT md5(string_agg(s::text, ',' ORDER BY s.id)) FROM snapshot s)
                         || (SELECT md5(string_agg(b::text, ',' ORDER BY b.instance_id, b.width, b.bucket_start))
                               FROM instance_bucket b)""")) {
            row.next();
            return row.getString(1);
        }
    }

    private static byte[] publicKeyHere(UUID instanceId) throws SQLException {
        try (Connection target = targetConnection();
             PreparedStatement statement = target.prepareStatement("SELECT public_key FROM instance WHERE instance_id = ?")) {
            statement.setObject(1, instanceId);
            try (ResultSet row = statement.executeQuery()) {
                assertTrue(row.next());
                return row.getBytes(1);
            }
        }
    }

    // The launcher, as processes.

    private record Result(int exit, String out, String err) {
    }

    private static Result importFrom(String dsn) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", launcherJar(), "import", "--from", dsn);
        environment(builder.environment());
        Path out = Files.createTempFile("shm-import", ".out");
        Path err = Files.createTempFile("shm-import", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the import ends");
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err)
                .lines().filter(line -> !line.startsWith("SLF4J:")).reduce("", (a, b) -> a + b + "\n"));
        System.out.print(result.out());
        System.out.print(result.err());
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    private static void environment(Map<String, String> env) {
        env.remove("SHM_DB_URL");
        env.put("SHM_DATA_DIR", dataDir.toString());
        env.put("SHM_EMBEDDED_DB_PORT", Integer.toString(databasePort));
    }

    private static String java() {
        return ServerProcess.java();
    }

    private static String launcherJar() {
        return Path.of(System.getProperty("shm.launcher.jar", "target/shm.jar")).toString();
    }

    /** {@code java -jar target/shm.jar} on the imported data folder, with the admin token and no rate limits. */
    private static ServerProcess startServer(int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", launcherJar());
        environment(builder.environment());
        builder.environment().put("SHM_PORT", Integer.toString(port));
        builder.environment().put("SHM_ADMIN_TOKEN", ADMIN_TOKEN);
        builder.environment().put("SHM_RATELIMIT_ENABLED", "false");
        Path log = Path.of("target", "import-it-server.log");
        Files.deleteIfExists(log);
        return ServerProcess.start("shm", builder, log)
                .awaitReady(URI.create("http://localhost:" + port + "/api/v1/healthcheck"), READY_WITHIN);
    }
}
