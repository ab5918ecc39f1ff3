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
 */
@Singleton
public class PartitionMaintenance {

    static final int DAYS_BACK = 1;
    static final int DAYS_AHEAD = 14;

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    Logger log;

    @Schedule(hour = "*/6", minute = "17", persistent = false, info = "snapshot partitions ahead")
    void ensurePartitionsAhead() {
        try {
            int created = ensurePartitions();
            if (created > 0) {
                log.info(() -> "Created " + created + " snapshot partition(s) ahead of time");
            }
        } catch (SQLException e) {
            // The next run tries again; two weeks ahead leaves plenty of room for outages.
            log.log(Level.WARNING, "Could not create snapshot partitions ahead of time (SQL state {0})", e.getSQLState());
        }
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
