package io.shm.persistence.control;

import jakarta.annotation.Resource;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Keeps the daily partitions of {@code snapshot} two weeks ahead, every six hours, so that a server
 * that runs for months never receives a snapshot for which no partition exists. Deployment does the
 * same (a Liquibase change set that runs every time); the database function serialises concurrent
 * callers, so every node of a cluster may run this.
 *
 * <p>Should a day's partition be missing all the same (the job failed for two weeks, a clock jumped),
 * its snapshots are stored in the default partition {@code snapshot_default}; each run first moves
 * them into the daily partitions it creates for them ({@code shm_drain_snapshot_default}).
 */
@Singleton
public class PartitionMaintenance {

    static final int DAYS_BACK = 1;
    static final int DAYS_AHEAD = 14;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    Logger log;

    /** What one run did. */
    public record Run(long rowsMoved, int partitionsCreated) {
    }

    @Schedule(hour = "*/6", minute = "17", persistent = false, info = "snapshot partitions ahead")
    void ensurePartitionsAhead() {
        try {
            Run run = runNow();
            if (run.partitionsCreated() > 0) {
                log.info(() -> "Created " + run.partitionsCreated() + " snapshot partition(s) ahead of time");
            }
        } catch (SQLException e) {
            // The next run tries again; two weeks ahead leaves plenty of room for outages.
            log.log(Level.WARNING, "Could not create snapshot partitions ahead of time (SQL state {0})", e.getSQLState());
        }
    }

    /**
     * Moves the snapshots of the default partition into daily partitions (made for them), then makes
     * the missing partitions from yesterday to two weeks ahead.
     */
    public Run runNow() throws SQLException {
        long moved;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT shm_drain_snapshot_default()")) {
            result.next();
            moved = result.getLong(1);
        }
        if (moved > 0) {
            log.warning(() -> "Moved " + moved + " snapshot(s) out of the default partition: their days had no partition");
        }
        return new Run(moved, ensurePartitions());
    }

    /** @return how many partitions were missing and created */
    public int ensurePartitions() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT shm_ensure_snapshot_partitions(" + DAYS_BACK + ", " + DAYS_AHEAD + ")")) {
            result.next();
            return result.getInt(1);
        }
    }
}
