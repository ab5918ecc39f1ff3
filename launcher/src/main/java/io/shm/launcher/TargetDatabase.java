package io.shm.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/**
 * The database this server is configured with, for {@code import}: the {@link DatabaseTarget} every
 * command works on, with the one connection the import writes through.
 */
final class TargetDatabase implements AutoCloseable {

    /** The days ahead of today the server keeps partitions for (PartitionMaintenance.DAYS_AHEAD). */
    static final int DAYS_AHEAD = 14;

    private final DatabaseTarget target;
    private final Connection connection;
    private final Thread stopOnInterrupt;

    private TargetDatabase(DatabaseTarget target, Connection connection) {
        this.target = target;
        this.connection = connection;
        // Ctrl-C during the import: the transaction dies with the connection, and a PostgreSQL started
        // for the import must not be left running on the data folder the server needs.
        this.stopOnInterrupt = target.startedHere() ? new Thread(target::close, "shm-import-stop") : null;
        if (stopOnInterrupt != null) {
            Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        }
    }

    static TargetDatabase open(Settings settings) throws IOException, SQLException {
        DatabaseTarget target = DatabaseTarget.open(settings);
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "shm-import");
        properties.setProperty("connectTimeout", "10");
        try {
            return new TargetDatabase(target, target.connect(properties));
        } catch (SQLException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    String description() {
        return target.description() + (target.startedHere() ? " (started for the import)" : "");
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
    public void close() {
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
        }
        target.close();
    }
}
