package io.shm.retention.control;

import io.shm.persistence.control.Jdbc;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Retention of raw data: once a day, the snapshot partitions that end more than {@code SHM_RETENTION_DAYS}
 * days ago (90 by default) are dropped whole, and so are the instances' per-bucket last values of the
 * same age. The fleet rollups stay: history outlives the raw data it was computed from.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class Retention {

    /** What one run removed. */
    public record Run(Instant at, Instant cutoff, List<String> droppedPartitions, long bucketRowsDeleted) {
    }

    static final int MIN_DAYS = 1;

    @Resource(lookup = Jdbc.DATASOURCE)
    javax.sql.DataSource dataSource;

    @Inject
    Clock clock;

    @Inject
    Logger log;

    @Inject
    @ConfigProperty(name = "shm.retention.days", defaultValue = "90")
    int configuredDays;

    private volatile int days;
    private volatile Run lastRun;

    @PostConstruct
    void configure() {
        setDays(configuredDays);
    }

    @Schedule(hour = "3", minute = "27", persistent = false, info = "retention of raw snapshots")
    void daily() {
        try {
            purgeNow();
        } catch (SQLException e) {
            log.log(Level.WARNING, "Retention could not run (SQL state {0}); tomorrow's run catches up", e.getSQLState());
        }
    }

    /** Removes now what is older than the retention, and says what went. */
    public synchronized Run purgeNow() throws SQLException {
        Instant now = clock.instant();
        Instant cutoff = now.minus(Duration.ofDays(days));
        try (Connection connection = dataSource.getConnection()) {
            List<String> dropped;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT shm_drop_snapshot_partitions_before(?)")) {
                statement.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    Array names = result.getArray(1);
                    dropped = List.of((String[]) names.getArray());
                }
            }
            long deleted;
            try (PreparedStatement statement = connection.prepareStatement("""
                    DELETE FROM instance_bucket
                     WHERE (width = 'h' AND bucket_start <= ? - interval '1 hour')
                        OR (width = 'd' AND bucket_start <= ? - interval '1 day')
                        OR (width = 'w' AND bucket_start <= ? - interval '7 days')""")) {
                for (int i = 1; i <= 3; i++) {
                    statement.setObject(i, cutoff.atOffset(ZoneOffset.UTC));
                }
                deleted = statement.executeUpdate();
            }
            Run run = new Run(now, cutoff, dropped, deleted);
            lastRun = run;
            if (!dropped.isEmpty() || deleted > 0) {
                log.info(() -> "Retention (" + days + " days): dropped " + dropped + ", deleted " + deleted
                        + " per-bucket rows older than " + cutoff);
            }
            return run;
        }
    }

    public int days() {
        return days;
    }

    /** Changes the retention until the next restart (the configuration sets it at start). */
    public void setDays(int days) {
        this.days = checkedDays(days);
    }

    /**
     * The check {@link #setDays} makes, for callers that must refuse bad input before calling this
     * bean: the EJB container would wrap the refusal in an {@code EJBException} and log it as a failure.
     *
     * @throws IllegalArgumentException for fewer than one day, saying so
     */
    public static int checkedDays(int days) {
        if (days < MIN_DAYS) {
            throw new IllegalArgumentException("retention must be at least " + MIN_DAYS + " day, not " + days);
        }
        return days;
    }

    public Run lastRun() {
        return lastRun;
    }
}
