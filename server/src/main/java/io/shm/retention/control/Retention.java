package io.shm.retention.control;

import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.JobLease;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Retention of raw data: once a day, the snapshot partitions that end more than {@code SHM_RETENTION_DAYS}
 * days ago (90 by default) are dropped whole, and so are the instances' per-bucket last values of the
 * same age. The fleet rollups stay: history outlives the raw data it was computed from.
 *
 * <p>On a cluster every node runs the schedule; a {@link JobLease} lets one of them do the work and
 * the others skip that run. A partition that a long reader holds is not waited for beyond
 * {@link #LOCK_WAIT}: while the drop waits for its lock, every insert into {@code snapshot} would wait
 * behind the drop. It is kept, and the next run drops it.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class Retention {

    /**
     * What one run removed; {@code keptPartitions} expired but were locked by a reader and wait for the
     * next run; {@code skipped} when another node held the job and this one did nothing.
     */
    public record Run(Instant at, Instant cutoff, List<String> droppedPartitions, long bucketRowsDeleted,
                      List<String> keptPartitions, boolean skipped) {

        public Run(Instant at, Instant cutoff, List<String> droppedPartitions, long bucketRowsDeleted) {
            this(at, cutoff, droppedPartitions, bucketRowsDeleted, List.of(), false);
        }
    }

    /** The advisory lock key of the job ("SHM_RETN"), the same on every node. */
    public static final long LEASE_KEY = 0x53484d5f5245544eL;
    /** How long the drop of one partition waits for its locks. */
    static final String LOCK_WAIT = "2s";

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

    /**
     * Removes now what is older than the retention, and says what went; does nothing, and says so,
     * when another node is running it.
     */
    public synchronized Run purgeNow() throws SQLException {
        Instant now = clock.instant();
        Instant cutoff = now.minus(Duration.ofDays(days));
        Optional<JobLease> lease = JobLease.tryAcquire(dataSource, LEASE_KEY);
        if (lease.isEmpty()) {
            log.fine("Retention skipped: another node is running it");
            return new Run(now, cutoff, List.of(), 0, List.of(), true);
        }
        try (JobLease held = lease.get(); Connection connection = dataSource.getConnection()) {
            List<String> dropped = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT partition_name, dropped FROM shm_drop_expired_snapshot_partitions(?, ?)")) {
                statement.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
                statement.setString(2, LOCK_WAIT);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        (rows.getBoolean(2) ? dropped : kept).add(rows.getString(1));
                    }
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
            Run run = new Run(now, cutoff, List.copyOf(dropped), deleted, List.copyOf(kept), false);
            lastRun = run;
            if (!dropped.isEmpty() || deleted > 0) {
                log.info(() -> "Retention (" + days + " days): dropped " + dropped + ", deleted " + deleted
                        + " per-bucket rows older than " + cutoff);
            }
            if (!kept.isEmpty()) {
                log.warning(() -> "Retention kept " + kept + " for the next run: a reader held them past "
                        + LOCK_WAIT);
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
