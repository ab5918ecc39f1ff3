package io.shm.benchmark;

import io.shm.testing.LocalMachine;
import io.shm.testing.ServerProcess;
import io.shm.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The system under test, started as users start it: a fresh embedded PostgreSQL with the launcher's
 * durability ({@code fsync=on}, {@code synchronous_commit=on}), and {@code java -jar target/shm.jar} in a child process
 * pointed at it. Everything it starts is stopped by {@link #close()}, also from a shutdown hook when
 * the benchmark is interrupted, so no server or database outlives a run.
 */
final class BenchmarkServer implements AutoCloseable {

    static final String DATABASE = "shm";
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Path target;
    private final Map<String, String> environment;
    private final Thread shutdownHook = new Thread(this::close, "benchmark-stop");
    private EmbeddedPostgres postgres;
    private ServerProcess server;
    private URI baseUri;

    private BenchmarkServer(Path target, Map<String, String> environment) {
        this.target = target;
        this.environment = Map.copyOf(environment);
    }

    /** @param target the build folder: where shm.jar is, and where the run keeps its data and log */
    static BenchmarkServer start(Path target) throws IOException, InterruptedException, SQLException {
        return start(target, Map.of());
    }

    /**
     * @param environment further settings of the server (SHM_ADMIN_TOKEN, cache sizes...), kept for
     *                    {@link #restartServer}
     */
    static BenchmarkServer start(Path target, Map<String, String> environment)
            throws IOException, InterruptedException, SQLException {
        Path launcherJar = launcherJar(target);
        Files.deleteIfExists(target.resolve("benchmark-server.log"));
        BenchmarkServer started = new BenchmarkServer(target, environment);
        Runtime.getRuntime().addShutdownHook(started.shutdownHook);
        try {
            started.startPostgres();
            started.startServer(launcherJar);
            return started;
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    /**
     * Starts the server again on the same database (after {@link #stopServer}), e.g. once data was
     * loaded behind its back, so that nothing it keeps in memory predates the data.
     */
    synchronized void restartServer() throws IOException, InterruptedException {
        stopServer();
        startServer(launcherJar(target));
    }

    private static Path launcherJar(Path target) throws IOException {
        Path launcherJar = target.resolve("shm.jar");
        if (!Files.isRegularFile(launcherJar)) {
            throw new IOException(launcherJar + " is missing: run 'mvn package -DskipTests' first");
        }
        return launcherJar;
    }

    URI baseUri() {
        return baseUri;
    }

    DataSource dataSource() {
        return postgres.getDatabase(USER, DATABASE);
    }

    /** What an acknowledged commit is worth, as PostgreSQL reports it, to print beside the figures. */
    String durabilitySettings() throws SQLException {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet settings = statement.executeQuery("SELECT name || '=' || setting FROM pg_settings"
                     + " WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method') ORDER BY name")) {
            List<String> named = new ArrayList<>();
            while (settings.next()) {
                named.add(settings.getString(1));
            }
            return String.join(", ", named);
        }
    }

    /** The postmaster; its children are the backends that do the work. */
    ProcessHandle postgresProcess() throws IOException {
        return LocalPostgres.postmasterPid(target.resolve("benchmark-postgres")).flatMap(ProcessHandle::of)
                .orElseThrow(() -> new IOException("PostgreSQL is not running"));
    }

    /** The launcher; Payara Micro runs in its child JVM. */
    ProcessHandle serverProcess() {
        return server.process().toHandle();
    }

    private void startPostgres() throws IOException, SQLException {
        Path dataDirectory = target.resolve("benchmark-postgres");
        LocalMachine.deleteRecursively(dataDirectory);
        // The launcher's durability, so that the benchmark measures what users run (see durabilitySettings).
        postgres = LocalPostgres.in(dataDirectory).durable().start();
        LocalPostgres.createDatabase(postgres, DATABASE);
    }

    private void startServer(Path launcherJar) throws IOException, InterruptedException {
        int port = LocalMachine.freePort();
        Path dataDirectory = target.resolve("benchmark-data");
        LocalMachine.deleteRecursively(dataDirectory);
        ProcessBuilder builder = new ProcessBuilder(ServerProcess.java(), "-jar", launcherJar.toString());
        builder.environment().putAll(Map.of(
                "SHM_DB_URL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE,
                "SHM_DB_USER", USER,
                "SHM_DB_PASSWORD", PASSWORD,
                "SHM_PORT", Integer.toString(port),
                // The benchmark sends far more than one snapshot per instance and minute, on purpose.
                "SHM_RATELIMIT_ENABLED", "false",
                "SHM_DATA_DIR", dataDirectory.toString()));
        builder.environment().putAll(environment);
        baseUri = URI.create("http://localhost:" + port);
        // Appended: a restarted server's log follows the first one's.
        server = ServerProcess.start("the benchmark's server", builder, target.resolve("benchmark-server.log"));
        try {
            server.awaitReady(baseUri.resolve("/api/v1/healthcheck"), READY_TIMEOUT);
        } catch (AssertionError notReady) {
            stopServer();
            throw new IOException(notReady.getMessage());
        }
    }

    /** Stops the server (its launcher stops Payara Micro), so that a later measurement has the machine to itself. */
    synchronized void stopServer() {
        if (server == null) {
            return;
        }
        server.close();
        server = null;
    }

    /** Idempotent: called at the end of the run and by the shutdown hook. */
    @Override
    public synchronized void close() {
        stopServer();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e);
            }
            postgres = null;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself.
        }
    }
}
