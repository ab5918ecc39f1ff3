package io.shm.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The database this server is configured with, for {@code import}: {@code SHM_DB_URL} (with
 * {@code SHM_DB_USER}, {@code SHM_DB_PASSWORD}) or the embedded one under {@code SHM_DATA_DIR}. The
 * embedded PostgreSQL is reached where it runs (the server is up) or started for the import and
 * stopped after it.
 */
final class TargetDatabase implements AutoCloseable {

    /** The days ahead of today the server keeps partitions for (PartitionMaintenance.DAYS_AHEAD). */
    static final int DAYS_AHEAD = 14;

    private final Connection connection;
    private final EmbeddedPostgres startedHere;
    private final String description;
    private final Thread stopOnInterrupt;

    private TargetDatabase(Connection connection, EmbeddedPostgres startedHere, String description) {
        this.connection = connection;
        this.startedHere = startedHere;
        this.description = description;
        // Ctrl-C during the import: the transaction dies with the connection, and the PostgreSQL started
        // for the import must not be left running on the data folder the server needs.
        this.stopOnInterrupt = startedHere == null ? null : new Thread(this::stopPostgres, "shm-import-stop");
        if (stopOnInterrupt != null) {
            Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        }
    }

    static TargetDatabase open(Settings settings, Map<String, String> env) throws IOException, SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "shm-import");
        properties.setProperty("connectTimeout", "10");
        if (settings.databaseUrl() != null) {
            properties.setProperty("user", env.getOrDefault("SHM_DB_USER", "shm"));
            properties.setProperty("password", env.getOrDefault("SHM_DB_PASSWORD", "shm"));
            return new TargetDatabase(DriverManager.getConnection(settings.databaseUrl(), properties), null,
                    "the PostgreSQL database at " + Launcher.redact(settings.databaseUrl()));
        }
        properties.setProperty("user", ImportTargetPostgres.USER);
        properties.setProperty("password", ImportTargetPostgres.PASSWORD);
        OptionalInt running = ImportTargetPostgres.runningPort(settings);
        if (running.isPresent()) {
            return new TargetDatabase(DriverManager.getConnection(ImportTargetPostgres.jdbcUrl(running.getAsInt()), properties),
                    null, "the running embedded PostgreSQL in " + ImportTargetPostgres.dataDirectory(settings));
        }
        EmbeddedPostgres postgres = ImportTargetPostgres.start(settings);
        try {
            return new TargetDatabase(DriverManager.getConnection(ImportTargetPostgres.jdbcUrl(postgres.getPort()), properties),
                    postgres, "the embedded PostgreSQL in " + ImportTargetPostgres.dataDirectory(settings)
                    + " (started for the import)");
        } catch (SQLException e) {
            postgres.close();
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    String description() {
        return description;
    }

    /** Applies the server's migrations if the server has never run on this database; true if it did. */
    boolean ensureSchema(Path war) throws IOException, SQLException {
        if (SchemaUpdate.hasSchema(connection)) {
            return false;
        }
        SchemaUpdate.apply(connection, war);
        return true;
    }

    /**
     * Creates the daily snapshot partitions from the day of {@code earliest} to two weeks ahead, with
     * the server's own function, in a transaction of its own: creating a partition locks the whole
     * snapshot table, which the import's long transaction must not hold while the server ingests.
     */
    int ensurePartitions(Instant earliest, Instant now) throws SQLException {
        LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate first = earliest.atOffset(ZoneOffset.UTC).toLocalDate();
        long daysBack = Math.max(1, ChronoUnit.DAYS.between(first, today));
        try (PreparedStatement statement = connection.prepareStatement("SELECT shm_ensure_snapshot_partitions(?, ?)")) {
            statement.setInt(1, (int) daysBack);
            statement.setInt(2, DAYS_AHEAD);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
        if (stopOnInterrupt != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook stops PostgreSQL
            }
            startedHere.close();
        }
    }

    private void stopPostgres() {
        try {
            startedHere.close();
        } catch (IOException e) {
            ImportCommand.fail("the embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
