package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import io.shm.testing.ServerProcess;
import io.shm.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/shm.jar} as a self-hoster runs it: one JVM with an embedded PostgreSQL and
 * the server; a short console; the full log in the data folder; SIGTERM stops everything; a restart
 * keeps the data; a backup taken while it runs restores into a new data folder with everything in it;
 * PostgreSQL killed under load comes back by itself without losing an acknowledged snapshot; a port
 * already taken or a WAR that does not deploy ends the launcher at once with status 1.
 */
class LauncherIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(15);
    private static final String TOKEN = "launcher-it-token-0123456789abcdef";

    @Test
    void startsQuietlyStopsRestartsAndRestoresABackupTakenWhileRunning() throws Exception {
        Path dataDir = Path.of("target", "launcher-it").toAbsolutePath();
        Path restoredDir = Path.of("target", "launcher-it-restored").toAbsolutePath();
        Path backup = Path.of("target", "launcher-it-backup.zip").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        LocalMachine.deleteRecursively(restoredDir);
        Files.deleteIfExists(backup);
        int port = LocalMachine.freePort();
        List<ShmClient> clients = new ArrayList<>();
        Instant lastSnapshot = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Long> counts;

        try (Server first = Server.start(dataDir, port, Map.of("SHM_ADMIN_TOKEN", TOKEN, "SHM_RATELIMIT_ENABLED", "false"))) {
            System.out.printf("[launcher] first start: healthy after %.1f s; memory (PSS) at idle %d MiB%n",
                    first.readySeconds, first.pssMiB(dataDir));
            List<String> boot = first.linesUntilReady();
            assertTrue(boot.size() < 20, "a short console at boot, not " + boot.size() + " lines:\n" + String.join("\n", boot));
            assertTrue(boot.stream().anyMatch(line -> line.contains("| Dashboard login: user 'admin', password '")),
                    "the first admin password, in a box:\n" + String.join("\n", boot));
            assertTrue(boot.stream().anyMatch(line -> line.contains("Data folder: " + dataDir)), "where the data is");
            Path log = dataDir.resolve("logs").resolve("server.0.log");
            List<String> full = Files.readAllLines(log);
            assertTrue(full.size() > 100 && full.stream().anyMatch(line -> line.contains("Disabled Phone Home")),
                    "the full log, in " + log + " (" + full.size() + " lines); Payara Micro reports to nobody");

            for (int i = 0; i < 3; i++) {
                ShmClient client = new ShmClient(URI.create("http://localhost:" + port), InstanceIdentity.generate(), Http.client());
                assertEquals(201, client.register("Launcher App", "1.0." + i, "docker", "production", "linux/amd64").status());
                assertEquals(200, client.activate().status());
                for (int s = 0; s < 3; s++) {
                    lastSnapshot = lastSnapshot.plusMillis(1);
                    assertEquals(202, client.snapshot(lastSnapshot, Json.createObjectBuilder().add("users_count", 10 * i + s).build()).status());
                }
                clients.add(client);
            }
            Command backedUp = command(Map.of("SHM_DATA_DIR", dataDir.toString()), "backup", backup.toString());
            assertEquals(0, backedUp.exitCode, "a backup while the server runs: " + backedUp.output);
            counts = new TreeMap<>();
            for (String line : backedUp.lines) {
                var table = java.util.regex.Pattern.compile("\\[shm\\]\\s+(\\w+)\\s+([\\d,]+) rows").matcher(line);
                if (table.find()) {
                    counts.put(table.group(1), Long.parseLong(table.group(2).replace(",", "")));
                }
            }
            assertEquals(3L, counts.get("instance"), "the backup's progress names each table with its rows: " + backedUp.output);
            assertEquals(9L, counts.get("snapshot"), backedUp.output);
            first.terminate(dataDir);
        }
        assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "PostgreSQL stopped");

        try (Server second = Server.start(dataDir, port, Map.of())) {
            System.out.printf("[launcher] restart: healthy after %.1f s%n", second.readySeconds);
            assertTrue(second.linesUntilReady().stream().noneMatch(line -> line.contains("Dashboard login")), "no new password");
            assertEquals(200, clients.get(0).register("Launcher App", "1.0.0", "docker", "production", "linux/amd64").status(),
                    "the data survived");
            second.terminate(dataDir);
        }

        Command refused = command(Map.of("SHM_DATA_DIR", dataDir.toString()), "restore", backup.toString());
        assertEquals(2, refused.exitCode, "a data folder with a database is not overwritten: " + refused.output);
        Command restored = command(Map.of("SHM_DATA_DIR", restoredDir.toString()), "restore", backup.toString());
        assertEquals(0, restored.exitCode, restored.output);
        try (Server third = Server.start(restoredDir, port, Map.of())) {
            Map<String, Long> restoredCounts = tableCounts(restoredDir);
            assertEquals(counts.keySet(), restoredCounts.keySet(), "every table restored");
            // The rest are the background jobs' (rollups, catalogues): the restored server's jobs carry on with them.
            for (String table : List.of("application", "instance", "snapshot", "account", "api_token", "databasechangelog")) {
                assertEquals(counts.get(table), restoredCounts.get(table), "every row of " + table + " restored");
            }
            HttpResponse stats = get(new URL("http://localhost:" + port + "/api/v1/admin/stats"), TOKEN);
            assertEquals(200, stats.status, "the admin token of the backup signs in: " + stats.body);
            ShmClient client = clients.get(2);
            assertEquals(409, client.snapshot(lastSnapshot, Json.createObjectBuilder().add("users_count", 1).build()).status(),
                    "a replay of the last snapshot before the backup is refused");
            assertEquals(202, client.snapshot(lastSnapshot.plusSeconds(1), Json.createObjectBuilder().add("users_count", 99).build()).status(),
                    "an instance of the backup is known, with its key");
            third.terminate(restoredDir);
        }
    }

    /**
     * A compose file written for the original SHM server: its database as {@code SHM_DB_DSN}, its port
     * as {@code PORT}, its register limit per period. The launcher starts no embedded database, the
     * server (its WAR, through MicroProfile Config) connects with the DSN's user and password and
     * limits registers and activates as the original did.
     */
    @Test
    void theOriginalServersVariablesWork() throws Exception {
        Path dataDir = Path.of("target", "launcher-it-original").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        int port = LocalMachine.freePort();
        try (EmbeddedPostgres database = LocalPostgres.in(dataDir.resolve("external")).start()) {
            try (Connection connection = database.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE ROLE \"app@corp\" LOGIN PASSWORD 'p@ss:word/1'");
                statement.execute("CREATE DATABASE shm_original OWNER \"app@corp\"");
                // Passwords checked for the server's user (the embedded database trusts everyone otherwise).
                Files.writeString(dataDir.resolve("external").resolve("pg_hba.conf"), """
                        host all postgres 127.0.0.1/32 trust
                        host all postgres ::1/128 trust
                        host all all 127.0.0.1/32 scram-sha-256
                        host all all ::1/128 scram-sha-256
                        """);
                statement.execute("SELECT pg_reload_conf()");
            }
            String dsn = "postgres://app%40corp:p%40ss%3Aword%2F1@localhost:" + database.getPort() + "/shm_original?sslmode=disable";
            try (Server server = Server.start(dataDir, port, Map.of(
                    "SHM_DB_DSN", dsn,
                    "PORT", Integer.toString(port),
                    "SHM_RATELIMIT_ENABLED", "true",
                    "SHM_RATELIMIT_REGISTER_REQUESTS", "1",
                    "SHM_RATELIMIT_REGISTER_PERIOD", "1h",
                    "SHM_RATELIMIT_REGISTER_BURST", "1",
                    "SHM_RATELIMIT_CLEANUP_INTERVAL", "10m"))) {
                ShmClient first = new ShmClient(URI.create("http://localhost:" + port), InstanceIdentity.generate(), Http.client());
                long beforeFirst = System.nanoTime();
                assertEquals(201, first.register("Original App", null, null, null, null).status());
                var limited = new ShmClient(URI.create("http://localhost:" + port), InstanceIdentity.generate(), Http.client())
                        .register("Original App", "1.0", null, null, null);
                long secondsSinceFirst = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - beforeFirst) + 1;
                assertEquals(429, limited.status(), "one register an hour, burst one: " + limited.body());
                // The next token comes an hour after the first register took the only one, the wait rounded up.
                long retryAfter = Long.parseLong(limited.header("Retry-After").orElse("-1"));
                assertTrue(retryAfter <= 3600 && retryAfter >= 3600 - secondsSinceFirst,
                        "the next one an hour after the first register, not in " + retryAfter + " s");
                assertEquals(200, first.activate().status());
                assertEquals(429, first.activate().status(), "activate has the original's register limit too");

                try (Connection connection = database.getDatabase("postgres", "shm_original").getConnection();
                     Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT count(*) FROM instance WHERE app_version = ''")) {
                    row.next();
                    assertEquals(1, row.getLong(1), "stored in the DSN's database");
                }
                // The launcher's lines are on the console, the server's in its full log under the data folder.
                String log = server.console() + "\n" + Files.readString(dataDir.resolve("logs").resolve("server.0.log"));
                assertTrue(log.contains("PORT is used as the HTTP port (SHM_PORT is unset)"), "the launcher says which port");
                assertTrue(log.contains("SHM_DB_DSN is used for the database (SHM_DB_URL is unset)"), "the server says which database");
                assertTrue(log.contains("SHM_RATELIMIT_CLEANUP_INTERVAL has no meaning for this server and is ignored"));
                assertFalse(log.contains("p@ss:word/1") || log.contains("p%40ss%3Aword%2F1"), "the password is never logged");
                assertFalse(Files.exists(dataDir.resolve("postgres")), "no embedded database started");
                server.terminateWithoutPostgres();
            }
        }
    }

    /** One {@code java -jar target/shm.jar}. */

    @Test
    void bringsPostgresBackAfterItIsKilledUnderLoadWithoutLosingAnAcknowledgedSnapshot() throws Exception {
        Path dataDir = Path.of("target", "launcher-it-crash").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        int port = LocalMachine.freePort();
        try (Server server = Server.start(dataDir, port, Map.of("SHM_RATELIMIT_ENABLED", "false"))) {
            URI base = URI.create("http://localhost:" + port);
            List<ShmClient> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
                assertEquals(201, client.register("Crash App", "1.0.0", null, null, null).status());
                assertEquals(200, client.activate().status());
                clients.add(client);
            }
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger acknowledged = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Long> refusalMillis = new CopyOnWriteArrayList<>();
            List<String> refusalsWithoutRetryAfter = new CopyOnWriteArrayList<>();
            List<Long> acknowledgedAt = new CopyOnWriteArrayList<>();
            List<String> acknowledgedSnapshots = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> load = new ArrayList<>();
            for (ShmClient client : clients) {
                load.add(CompletableFuture.runAsync(() -> {
                    Instant timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    while (sending.get()) {
                        timestamp = timestamp.plusMillis(1);
                        long sent = System.nanoTime();
                        try {
                            ShmResponse response = client.snapshot(timestamp, Json.createObjectBuilder().add("n", 1).build());
                            if (response.status() == 202) {
                                acknowledged.incrementAndGet();
                                acknowledgedAt.add(System.nanoTime());
                                acknowledgedSnapshots.add(client.identity().instanceId().toString().toLowerCase(java.util.Locale.ROOT) + " " + timestamp);
                            } else {
                                refused.incrementAndGet();
                                refusalMillis.add((System.nanoTime() - sent) / 1_000_000);
                                if (response.status() != 503 || response.header("Retry-After").isEmpty()) {
                                    refusalsWithoutRetryAfter.add(response.status() + " " + response.body());
                                }
                            }
                        } catch (IOException e) {
                            refusalsWithoutRetryAfter.add(e.toString());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            awaitCondition(() -> acknowledged.get() >= 50, Duration.ofMinutes(2), "snapshots flow before the crash");

            long postmaster = postmasterPid(dataDir);
            long killedAt = System.nanoTime();
            assertTrue(ProcessHandle.of(postmaster).orElseThrow().destroyForcibly(), "SIGKILL to the postmaster");
            long slowestReady = 0;
            boolean sawDown = false;
            while (!anyAfter(acknowledgedAt, killedAt) || !sawDown) {
                long asked = System.nanoTime();
                HttpResponse ready = get(new URL("http://localhost:" + port + "/health/ready"), null);
                long millis = (System.nanoTime() - asked) / 1_000_000;
                slowestReady = Math.max(slowestReady, millis);
                sawDown |= ready.status == 503;
                assertTrue(System.nanoTime() - killedAt < TimeUnit.MINUTES.toNanos(2), "ingest recovers by itself");
                if (anyAfter(acknowledgedAt, killedAt) && !sawDown) {
                    break; // recovered before a probe saw the outage
                }
            }
            double recovery = (firstAfter(acknowledgedAt, killedAt) - killedAt) / 1e9;
            awaitCondition(() -> acknowledgedAt.stream().filter(at -> at > killedAt).count() >= 20, Duration.ofMinutes(1),
                    "ingest goes on after the restart");
            sending.set(false);
            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
            long slowestRefusal = refusalMillis.stream().mapToLong(Long::longValue).max().orElse(0);
            System.out.printf("[launcher] PostgreSQL killed: ingest accepted snapshots again after %.1f s; %d acknowledged,"
                            + " %d refused (slowest refusal %d ms); slowest readiness answer %d ms, DOWN seen: %s%n",
                    recovery, acknowledged.get(), refused.get(), slowestRefusal, slowestReady, sawDown);
            assertTrue(sawDown, "readiness said DOWN during the outage");
            assertTrue(slowestReady < 1000, "readiness answered within a second, not " + slowestReady + " ms");
            assertTrue(slowestRefusal < 2000, "a refusal within 2 s, not " + slowestRefusal + " ms");
            assertTrue(refusalsWithoutRetryAfter.isEmpty(), "only 503 with Retry-After: " + refusalsWithoutRetryAfter);
            assertTrue(recovery < 30, "back within seconds, not " + recovery + " s");
            Map<String, Long> storedPerInstance = storedSnapshotsPerInstance(dataDir);
            Map<String, Long> acknowledgedPerInstance = new TreeMap<>();
            acknowledgedSnapshots.forEach(snapshot -> acknowledgedPerInstance.merge(snapshot.split(" ")[0], 1L, Long::sum));
            acknowledgedPerInstance.forEach((instance, count) -> assertTrue(storedPerInstance.getOrDefault(instance, 0L) >= count,
                    "every acknowledged snapshot of " + instance + " is stored: " + count + " acknowledged, "
                            + storedPerInstance.get(instance) + " stored"));
            assertTrue(server.output().stream().anyMatch(line -> line.contains("PostgreSQL is back after")), "the launcher said so");

            // A restart cures a crash, not what makes PostgreSQL die again and again: five restarts within
            // ten minutes are allowed, the next death stops everything with status 1 and the reason.
            for (int restart = 2; restart <= EmbeddedDatabase.MAX_RESTARTS; restart++) {
                int backSoFar = restart - 1;
                assertTrue(ProcessHandle.of(postmasterPid(dataDir)).orElseThrow().destroyForcibly(), "SIGKILL, restart " + restart);
                awaitCondition(() -> server.output().stream().filter(line -> line.contains("PostgreSQL is back after")).count() > backSoFar,
                        Duration.ofMinutes(1), "PostgreSQL restarted by the launcher, restart " + restart);
            }
            long lastKill = System.nanoTime();
            assertTrue(ProcessHandle.of(postmasterPid(dataDir)).orElseThrow().destroyForcibly(), "SIGKILL, once too often");
            // Within two minutes: a first run in a data folder also writes its class-data archive as it exits.
            assertTrue(server.process.waitFor(2, TimeUnit.MINUTES), "the launcher stops after the sixth death");
            System.out.printf("[launcher] PostgreSQL killed a sixth time: the launcher exited %d after %.1f s%n",
                    server.process.exitValue(), (System.nanoTime() - lastKill) / 1e9);
            assertEquals(1, server.process.exitValue(), server.console());
            assertTrue(server.output().stream().anyMatch(line -> line.contains("ERROR: PostgreSQL stopped "
                    + (EmbeddedDatabase.MAX_RESTARTS + 1) + " times within 10 minutes")), server.console());
            assertEquals(EmbeddedDatabase.MAX_RESTARTS,
                    server.output().stream().filter(line -> line.contains("PostgreSQL is back after")).count(), server.console());
        }
    }

    @Test
    void stopsAtOnceWithStatusOneWhenThePortIsTakenOrTheWarDoesNotDeploy() throws Exception {
        Path dataDir = Path.of("target", "launcher-it-fail").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            long started = System.nanoTime();
            Command portTaken = command(Map.of("SHM_DATA_DIR", dataDir.toString(), "SHM_PORT", Integer.toString(port)));
            System.out.printf("[launcher] port taken: exit %d after %.1f s%n", portTaken.exitCode, (System.nanoTime() - started) / 1e9);
            assertEquals(1, portTaken.exitCode, portTaken.output);
            assertTrue(portTaken.output.contains("ERROR: Port " + port + " is already in use"), portTaken.output);
            assertFalse(portTaken.output.contains("is ready"), portTaken.output);

            // The server's JMX connector cannot listen on a taken port: its startup bean fails, so the WAR does not deploy.
            Command notDeployed = command(Map.of("SHM_DATA_DIR", dataDir.toString(),
                    "SHM_PORT", Integer.toString(LocalMachine.freePort()), "SHM_JMX_PORT", Integer.toString(port)));
            assertEquals(1, notDeployed.exitCode, notDeployed.output);
            assertTrue(notDeployed.output.contains("ERROR: The server did not deploy: "), notDeployed.output);
            assertFalse(notDeployed.output.contains("is ready"), notDeployed.output);
            String failure = notDeployed.lines.stream().filter(line -> line.contains("ERROR:")).findFirst().orElseThrow();
            System.out.printf("[launcher] WAR not deployed: exit %d, %.1f s after the failure was logged: %s%n",
                    notDeployed.exitCode, notDeployed.secondsAfter("ERROR:"), failure);
            assertTrue(notDeployed.secondsAfter("ERROR:") < 10, "stopped within 10 s of the failure");
            assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "PostgreSQL stopped too");
        }
    }

    /**
     * A server JVM killed outright (the OOM killer, a crash) cannot stop its PostgreSQL, which keeps the data
     * folder's port: the next start stops it and starts its own. While a server runs, a second one on its
     * data folder is refused at once.
     */
    @Test
    void aKilledServersPostgresIsStoppedByTheNextStartAndTwoServersCannotShareADataFolder() throws Exception {
        Path dataDir = Path.of("target", "launcher-it-left-over").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        int port = LocalMachine.freePort();
        long leftOver;
        try (Server server = Server.start(dataDir, port, Map.of())) {
            Command second = command(Map.of("SHM_DATA_DIR", dataDir.toString(), "SHM_PORT", Integer.toString(LocalMachine.freePort())));
            assertEquals(1, second.exitCode, second.output);
            assertTrue(second.output.contains("ERROR: Another SHM server runs on the data folder " + dataDir), second.output);
            assertFalse(second.output.contains("PostgreSQL is up"), second.output);

            leftOver = postmasterPid(dataDir);
            // The JVM that runs Payara Micro and supervises PostgreSQL: the launcher's child.
            ProcessHandle serverJvm = server.process.toHandle().children()
                    .filter(child -> child.info().commandLine().orElse("").contains("shm.launcher.relaunched"))
                    .findFirst().orElseThrow();
            serverJvm.destroyForcibly();
            serverJvm.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            assertTrue(server.process.waitFor(60, TimeUnit.SECONDS), "the launcher ends with its server JVM");
            assertTrue(ProcessHandle.of(leftOver).map(ProcessHandle::isAlive).orElse(false), "its PostgreSQL is left running");
        }
        try (Server again = Server.start(dataDir, port, Map.of())) {
            assertTrue(again.console().contains("PostgreSQL of an earlier run still runs on this data folder (pid " + leftOver + ")"),
                    again.console());
            assertFalse(ProcessHandle.of(leftOver).map(ProcessHandle::isAlive).orElse(false), "the left-over PostgreSQL is gone");
            assertEquals(200, get(new URL("http://localhost:" + port + "/health/ready"), null).status());
            again.terminate(dataDir);
        }
    }

    private static boolean anyAfter(List<Long> times, long since) {
        return times.stream().anyMatch(at -> at > since);
    }

    private static long firstAfter(List<Long> times, long since) {
        return times.stream().filter(at -> at > since).mapToLong(Long::longValue).min().orElseThrow();
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, Duration within, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }

    /** Rows per table of the embedded database, read where it runs (its postmaster.pid names the port). */
    private static Map<String, Long> tableCounts(Path dataDir) throws IOException, SQLException {
        int pgPort = Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).trim());
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/shm", "postgres", "postgres");
             Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                    + " AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> 'databasechangeloglock'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Stored snapshots per instance id (the test's instances send nothing else). */
    private static Map<String, Long> storedSnapshotsPerInstance(Path dataDir) throws IOException, SQLException {
        int pgPort = Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).trim());
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/shm", "postgres", "postgres");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT i.instance_id::text, count(*) FROM snapshot s"
                     + " JOIN instance i ON i.id = s.instance_id GROUP BY i.instance_id")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private record HttpResponse(int status, String body) {
    }

    private static HttpResponse get(URL url, String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(30_000);
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        try {
            int status = connection.getResponseCode();
            var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            return new HttpResponse(status, body);
        } finally {
            connection.disconnect();
        }
    }

    private static List<String> javaJar(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("shm.launcher.jar", "target/shm.jar")).toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** A {@code java -jar shm.jar ...} run to its end (at most five minutes), its output kept with the time of each line. */
    private static Command command(Map<String, String> environment, String... arguments) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaJar(arguments)).redirectErrorStream(true);
        builder.environment().remove("SHM_DB_URL");
        builder.environment().putAll(environment);
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("  | " + line);
                lines.add(line);
                times.add(System.nanoTime());
            }
        }
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the command ends");
        return new Command(process.exitValue(), String.join("\n", lines), lines, times, System.nanoTime());
    }

    private record Command(int exitCode, String output, List<String> lines, List<Long> times, long endedNanos) {
        double secondsAfter(String marker) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(marker)) {
                    return (endedNanos - times.get(i)) / 1e9;
                }
            }
            throw new AssertionError("no line with " + marker + " in:\n" + output);
        }
    }

    /** One {@code java -jar target/shm.jar}, as a user starts it, its console in a file beside its data folder. */
    private static final class Server implements AutoCloseable {
        private final ServerProcess server;
        private final Process process;
        private final double readySeconds;
        private final String readyLine;

        private Server(ServerProcess server, double readySeconds, String readyLine) {
            this.server = server;
            this.process = server.process();
            this.readySeconds = readySeconds;
            this.readyLine = readyLine;
        }

        static Server start(Path dataDir, int port, Map<String, String> environment) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(javaJar());
            builder.environment().remove("SHM_DB_URL");
            builder.environment().put("SHM_DATA_DIR", dataDir.toString());
            builder.environment().put("SHM_PORT", Integer.toString(port));
            builder.environment().putAll(environment);
            if (environment.containsKey("PORT")) {
                builder.environment().remove("SHM_PORT"); // the original server's variable alone names the port
            }
            Path console = dataDir.resolveSibling(dataDir.getFileName() + "-console.log");
            Files.deleteIfExists(console);
            String readyLine = "SHM server is ready at http://localhost:" + port + "/";
            long started = System.nanoTime();
            ServerProcess server = ServerProcess.start("the launcher", builder, console);
            try {
                server.awaitReady(URI.create("http://localhost:" + port + "/api/v1/healthcheck"), READY_WITHIN,
                        output -> output.contains(readyLine), "that it is ready");
            } catch (Exception | AssertionError e) {
                server.close();
                throw e;
            }
            return new Server(server, (System.nanoTime() - started) / 1e9, readyLine);
        }

        /** The launcher's console so far, line by line. */
        List<String> output() {
            return server.log().lines().toList();
        }

        List<String> linesUntilReady() {
            List<String> output = output();
            for (int i = 0; i < output.size(); i++) {
                if (output.get(i).contains(readyLine)) {
                    return output.subList(0, i + 1);
                }
            }
            throw new AssertionError("no '" + readyLine + "' in:\n" + String.join("\n", output));
        }

        /** PSS of the launcher's processes and of PostgreSQL's (no child of the JVM: pg_ctl starts it in the background). */
        long pssMiB(Path dataDir) throws IOException {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            ProcessHandle postmaster = ProcessHandle.of(postmasterPid(dataDir)).orElseThrow();
            all.add(postmaster);
            all.addAll(postmaster.descendants().toList());
            long kib = 0;
            for (ProcessHandle handle : all) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(handle.pid()), "smaps_rollup"))) {
                        if (line.startsWith("Pss:")) {
                            kib += Long.parseLong(line.replaceAll("\\D", ""));
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // not Linux, or the process ended
                }
            }
            return kib / 1024;
        }

        /** What the launcher printed so far. */
        String console() {
            return server.log();
        }

        /** SIGTERM to a launcher that runs on an external database: it exits within a minute. */
        void terminateWithoutPostgres() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher exits after SIGTERM");
        }

        /** SIGTERM, as a service manager or Ctrl-C sends it: the JVM and PostgreSQL must be gone within seconds. */
        void terminate(Path dataDir) throws Exception {
            ProcessHandle postmaster = ProcessHandle.of(postmasterPid(dataDir)).orElse(null);
            List<ProcessHandle> tree = process.descendants().toList();
            long started = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the launcher exits after SIGTERM");
            for (ProcessHandle child : tree) {
                child.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                assertFalse(child.isAlive(), "no child left running: " + child.info().command().orElse("?"));
            }
            assertNotNull(postmaster, "PostgreSQL was running");
            postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            System.out.printf("[launcher] stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }

        /** SIGTERM first: the launcher stops PostgreSQL, which is no child of it. */
        @Override
        public void close() {
            server.close();
        }
    }
}
