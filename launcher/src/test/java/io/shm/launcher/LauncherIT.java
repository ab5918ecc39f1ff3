package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a newcomer runs it: {@code java -jar target/shm.jar} with no database
 * configured starts an embedded PostgreSQL and the server; SIGTERM stops both, leaving nothing
 * running; a second start on the same data folder works and still has the data. Prints the times to
 * healthy and the resident memory at idle.
 */
class LauncherIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(3);

    @Test
    void startsStopsCleanlyAndRestartsOnTheSameDataFolder() throws Exception {
        Path dataDir = Path.of("target", "launcher-it").toAbsolutePath();
        LocalMachine.deleteRecursively(dataDir);
        int port = LocalMachine.freePort();
        InstanceIdentity identity = InstanceIdentity.generate();

        try (Server first = Server.start(dataDir, port)) {
            System.out.printf("[launcher] first start: healthy after %.1f s; resident memory at idle %d MiB%n",
                    first.readySeconds, first.residentMiB());
            ShmClient client = new ShmClient(URI.create("http://localhost:" + port), identity, Http.client());
            assertEquals(201, client.register("Launcher App", "1.0.0", null, null, null).status());
            assertTrue(first.payaraCommandLine().contains("--disablephonehome"),
                    "Payara Micro reports to nobody: " + first.payaraCommandLine());
            first.terminate();
        }
        assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "PostgreSQL stopped");

        try (Server second = Server.start(dataDir, port)) {
            System.out.printf("[launcher] restart: healthy after %.1f s%n", second.readySeconds);
            ShmClient client = new ShmClient(URI.create("http://localhost:" + port), identity, Http.client());
            assertEquals(200, client.register("Launcher App", "1.0.0", null, null, null).status(), "the data survived");
            second.terminate();
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
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("external"))
                .setCleanDataDirectory(true).start()) {
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
            try (Server server = Server.start(dataDir, port, environment -> {
                environment.put("SHM_DB_DSN", dsn);
                environment.put("PORT", Integer.toString(port));
                environment.put("SHM_RATELIMIT_ENABLED", "true");
                environment.put("SHM_RATELIMIT_REGISTER_REQUESTS", "1");
                environment.put("SHM_RATELIMIT_REGISTER_PERIOD", "1h");
                environment.put("SHM_RATELIMIT_REGISTER_BURST", "1");
                environment.put("SHM_RATELIMIT_CLEANUP_INTERVAL", "10m");
            })) {
                ShmClient first = new ShmClient(URI.create("http://localhost:" + port), InstanceIdentity.generate(), Http.client());
                assertEquals(201, first.register("Original App", null, null, null, null).status());
                var limited = new ShmClient(URI.create("http://localhost:" + port), InstanceIdentity.generate(), Http.client())
                        .register("Original App", "1.0", null, null, null);
                assertEquals(429, limited.status(), "one register an hour, burst one: " + limited.body());
                assertEquals("3600", limited.header("Retry-After").orElse(""), "the next one in an hour");
                assertEquals(200, first.activate().status());
                assertEquals(429, first.activate().status(), "activate has the original's register limit too");

                try (Connection connection = database.getDatabase("postgres", "shm_original").getConnection();
                     Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT count(*) FROM instance WHERE app_version = ''")) {
                    row.next();
                    assertEquals(1, row.getLong(1), "stored in the DSN's database");
                }
                String log = Files.readString(Path.of("target", "launcher-it.log"));
                assertTrue(log.contains("PORT is used as the HTTP port (SHM_PORT is unset)"), "the launcher says which port");
                assertTrue(log.contains("SHM_DB_DSN is used for the database (SHM_DB_URL is unset)"), "the server says which database");
                assertTrue(log.contains("SHM_RATELIMIT_CLEANUP_INTERVAL has no meaning for this server and is ignored"));
                assertFalse(log.contains("p@ss:word/1") || log.contains("p%40ss%3Aword%2F1"), "the password is never logged");
                assertFalse(Files.exists(dataDir.resolve("postgres")), "no embedded database started");
                server.terminate();
            }
        }
    }

    /** One {@code java -jar target/shm.jar}. */
    private static final class Server implements AutoCloseable {
        private final Process process;
        private final double readySeconds;

        private Server(Process process, double readySeconds) {
            this.process = process;
            this.readySeconds = readySeconds;
        }

        static Server start(Path dataDir, int port) throws Exception {
            return start(dataDir, port, environment -> environment.put("SHM_PORT", Integer.toString(port)));
        }

        /** With the environment changed by {@code configure}, which must set the port. */
        static Server start(Path dataDir, int port, Consumer<Map<String, String>> configure) throws Exception {
            Path jar = Path.of(System.getProperty("shm.launcher.jar", "target/shm.jar"));
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                    .redirectErrorStream(true);
            Path log = Path.of("target", "launcher-it.log");
            builder.environment().remove("SHM_DB_URL");
            builder.environment().put("SHM_DATA_DIR", dataDir.toString());
            builder.environment().remove("SHM_PORT");
            configure.accept(builder.environment());
            long started = System.nanoTime();
            Process process = builder.start();
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                     var copy = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                             java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
                    for (String line; (line = out.readLine()) != null; ) {
                        copy.write(line);
                        copy.newLine();
                        copy.flush();
                        if (line.contains("[shm launcher]")) {
                            System.out.println(line);
                        }
                        if (line.contains("SHM server is ready at http://localhost:" + port + "/")) {
                            ready.complete(true);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                ready.complete(false);
            }, "launcher-output");
            pump.setDaemon(true);
            pump.start();
            Server server = new Server(process, 0);
            try {
                assertTrue(ready.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS), "the launcher said it is ready");
            } catch (Exception | AssertionError e) {
                server.close();
                throw e;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(200, Http.get(new java.net.URL("http://localhost:" + port + "/"), "api/v1/healthcheck").statusCode());
            return new Server(process, seconds);
        }

        long residentMiB() throws IOException {
            long kib = 0;
            for (ProcessHandle handle : List.of(process.toHandle())) {
                kib += rssKib(handle.pid());
                for (ProcessHandle child : handle.descendants().toList()) {
                    kib += rssKib(child.pid());
                }
            }
            return kib / 1024;
        }

        private static long rssKib(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // not on Linux, or the process ended
            }
            return 0;
        }

        /** The command line of the Payara Micro child (empty when the system does not show it). */
        String payaraCommandLine() {
            return process.descendants()
                    .map(child -> child.info().commandLine().orElse(""))
                    .filter(line -> line.contains("payara-micro"))
                    .findFirst().orElse("");
        }

        /** SIGTERM, as a service manager or Ctrl-C sends it; both processes must be gone within seconds. */
        void terminate() throws InterruptedException {
            List<ProcessHandle> tree = process.descendants().toList();
            long started = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher exits after SIGTERM");
            for (ProcessHandle child : tree) {
                child.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                assertFalse(child.isAlive(), "no child left running: " + child.info().command().orElse("?"));
            }
            System.out.printf("[launcher] stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
