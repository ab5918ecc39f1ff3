package io.shm.aggregation.control;

import io.shm.aggregation.entity.Bucket;
import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.JobLease;
import io.shm.persistence.control.Rows;
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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps {@code fleet_rollup} up to date: every minute, each bucket whose inputs changed lately (an
 * instance's last values in {@code instance_bucket}, written by the snapshot statement) or that was
 * marked dirty (an instance revoked or deleted) is computed again from one row per instance. The
 * current hour therefore lags at most a minute, and no read ever aggregates raw snapshots.
 *
 * <p>Every run also recomputes {@code fleet_current}, the fleet's statistics over the active instances'
 * current values, which the stats reads serve from, and {@code metric_key}, every application's keys,
 * which exports take their columns from; and brings the install base per day and version
 * ({@link InstallBase}) up to date for the days whose daily buckets changed, and today.
 *
 * <p>Recomputing a bucket replaces it whole in one transaction, so a run is idempotent and readers
 * see the old or the new bucket, never half of one. On a cluster, every node runs the schedule; a
 * {@link JobLease} held for the whole run lets one of them do the work, and the others skip that run.
 *
 * <p>The covered time is the database's clock ({@code now()}, the start of the run's transaction),
 * not the node's: a node whose clock runs ahead would otherwise record a covered time in the future,
 * and the next run on a node with the right time would take it for no coverage at all and recompute
 * eight days of buckets.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class Rollups {

    /**
     * How far before the covered time a run looks for changed buckets: a snapshot committed while the
     * last run ran, or stamped by a node whose clock is a little behind, is not missed.
     */
    public static final Duration LOOKBACK = Duration.ofMinutes(5);
    /** The very first run on a database (or one whose covered time lies ahead of the database's clock) looks this far. */
    static final Duration FIRST_LOOKBACK = Duration.ofDays(8);
    /** The advisory lock key of the job ("SHM_ROLL"), the same on every node. */
    public static final long LEASE_KEY = 0x53484d5f524f4c4cL;

    static final String CHANGED_BUCKETS = """
            SELECT DISTINCT application_id, width, bucket_start FROM instance_bucket WHERE updated_at >= ?
            UNION
            SELECT application_id, width, bucket_start FROM rollup_dirty""";

    /** One bucket of one application and width, from one row per instance (parameters: application id, width, start). */
    static final String AGGREGATE = aggregate("b.bucket_start = ? AND ");

    /**
     * {@link #AGGREGATE} for every bucket of one application and width at once (parameters: application
     * id, width), into a {@code fleet_rollup} without them: for bulk loads (the aggregation benchmark's
     * generator), where one bucket at a time takes minutes per thousand buckets. One application and
     * width at a time keeps the aggregation's hash table in memory.
     */
    public static final String AGGREGATE_ALL = aggregate("");

    /** The version is rolled up as one more string key, {@link FleetSeries#VERSION_KEY} (U+0001 'version'). */
    private static String aggregate(String bucketFilter) {
        return """
            INSERT INTO fleet_rollup (application_id, width, metric_key, bucket_start, value_type, text_value,
                                      instances, value_sum, value_min, value_max)
            SELECT b.application_id, b.width, kv.key, b.bucket_start, t.value_type,
                   CASE t.value_type WHEN 'n' THEN '' ELSE %s END AS text_value,
                   count(*), sum(n.v), min(n.v), max(n.v)
              FROM instance_bucket b
              JOIN instance i ON i.id = b.instance_id AND i.status = 'ACTIVE'
             CROSS JOIN LATERAL jsonb_each(b.metrics || jsonb_build_object(%s, b.app_version)) kv
             CROSS JOIN LATERAL (SELECT CASE jsonb_typeof(kv.value)
                                        WHEN 'number' THEN 'n' WHEN 'string' THEN 's' WHEN 'boolean' THEN 'b'
                                        END AS value_type) t
             CROSS JOIN LATERAL (SELECT CASE WHEN t.value_type = 'n' THEN CAST(kv.value AS numeric) END AS v) n
             WHERE b.application_id = ? AND b.width = ? AND %s t.value_type IS NOT NULL AND %s
             GROUP BY b.application_id, b.width, kv.key, b.bucket_start, t.value_type, text_value"""
                .formatted(FleetSql.TEXT_VALUE, FleetSql.VERSION_KEY, bucketFilter, FleetSql.catalogued("b", "kv.key"));
    }

    /** Scope of the fleet-wide rows of {@code fleet_current}; application ids start at 1. */
    public static final long ALL_APPLICATIONS = FleetSql.ALL_APPLICATIONS;

    /** Statistics of each numeric key over the active instances' current values, per application and overall. */
    static final String CURRENT_NUMBERS = """
            INSERT INTO fleet_current (scope, metric_key, value_type, text_value, instances, value_sum, value_min,
                                       value_max, value_avg, value_p50, value_p90, value_p99)
            SELECT scope, key, 'n', '', %s
              FROM (SELECT CASE WHEN GROUPING(i.application_id) = 1 THEN 0 ELSE i.application_id END AS scope,
                           kv.key, %s
                      %s
                     WHERE %s AND n.v IS NOT NULL AND %s
                     GROUP BY GROUPING SETS ((i.application_id, kv.key), (kv.key))) stats"""
            .formatted(FleetSql.NUMBER_COLUMNS, FleetSql.NUMBER_STATISTICS, FleetSql.FROM_CURRENT_VALUES,
                    ActiveWindow.ACTIVE, FleetSql.catalogued("i", "kv.key"));

    /** How many active instances currently report each value of each string or boolean key. */
    static final String CURRENT_VALUES = """
            INSERT INTO fleet_current (scope, metric_key, value_type, text_value, instances)
            SELECT CASE WHEN GROUPING(i.application_id) = 1 THEN 0 ELSE i.application_id END, kv.key,
                   CASE jsonb_typeof(kv.value) WHEN 'string' THEN 's' ELSE 'b' END, %2$s, count(*)
              FROM instance i
             CROSS JOIN LATERAL jsonb_each(i.metrics) kv
             WHERE %1$s AND %3$s AND %4$s
             GROUP BY GROUPING SETS ((i.application_id, kv.key, jsonb_typeof(kv.value), %2$s),
                                     (kv.key, jsonb_typeof(kv.value), %2$s))"""
            .formatted(ActiveWindow.ACTIVE, FleetSql.TEXT_VALUE, FleetSql.TEXT_TYPED, FleetSql.catalogued("i", "kv.key"));

    /**
     * The key catalogue: the keys in the current metrics of every instance, whatever its status, with
     * when each application last reported each (a key without a recorded report time counts as
     * reported when its instance's metrics last changed); per application the most recently reported
     * {@code SHM_MAX_KEYS_PER_APP} (parameter 1) are kept, and how many others there are is recorded
     * in {@code metric_key_left_out} (parameter 2, the same bound).
     */
    static final String CURRENT_KEYS = """
            WITH reported AS (
                SELECT i.application_id, k.key,
                       max(COALESCE(CAST(i.metrics_seen ->> k.key AS bigint),
                                    CAST(floor(1000 * extract(epoch FROM COALESCE(i.metrics_updated_at, i.last_seen))) AS bigint))) AS at
                  FROM instance i CROSS JOIN LATERAL jsonb_object_keys(i.metrics) k (key)
                 GROUP BY i.application_id, k.key),
            ranked AS (
                SELECT application_id, key, at,
                       row_number() OVER (PARTITION BY application_id ORDER BY at DESC, key) AS rank
                  FROM reported),
            kept AS (
                INSERT INTO metric_key (application_id, metric_key, last_reported)
                SELECT application_id, key, to_timestamp(at / 1000.0) FROM ranked WHERE rank <= ?
                RETURNING 1)
            INSERT INTO metric_key_left_out (application_id, keys_left_out)
            SELECT application_id, count(*) FROM ranked WHERE rank > ? GROUP BY application_id""";

    static final String CURRENT_STATE = """
            INSERT INTO fleet_current_state (scope, computed_at)
            SELECT 0, ? UNION ALL SELECT id, ? FROM application""";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    @Inject
    Logger log;

    @Inject
    @ConfigProperty(name = "shm.max-keys-per-app", defaultValue = "2000")
    int maxKeysPerApp;

    private final ReentrantLock running = new ReentrantLock();

    @Schedule(hour = "*", minute = "*", second = "5", persistent = false, info = "fleet rollups")
    void everyMinute() {
        try {
            if (refresh().isEmpty()) {
                log.fine("Rollups skipped: another node is running them");
            }
        } catch (SQLException e) {
            log.log(Level.WARNING, "Could not update the fleet rollups (SQL state {0}); the next run catches up",
                    e.getSQLState());
        }
    }

    /**
     * Recomputes every bucket that changed since the time the last run covered (kept in the database,
     * so a restart or another node carries on from it) and every bucket marked dirty; then records
     * this run's start as covered.
     *
     * @return how many buckets were recomputed; empty when another node is running the job
     */
    public OptionalInt refresh() throws SQLException {
        Optional<Run> run = run(null);
        return run.isEmpty() ? OptionalInt.empty() : OptionalInt.of(run.get().buckets());
    }

    /** What a run did: the buckets it recomputed and the {@code fleet_rollup} rows it wrote for them. */
    public record Run(int buckets, long rollupRows) {
    }

    /** {@link #refresh()}, answering what the run did; empty when another node is running the job. */
    public Optional<Run> refreshNow() throws SQLException {
        return run(null);
    }

    /**
     * Recomputes the buckets whose inputs changed at or after {@code since}, and the dirty ones (the
     * covered time stays as it is).
     *
     * @return what the run did; empty when another node is running the job
     */
    public Optional<Run> refreshSince(Instant since) throws SQLException {
        return run(since);
    }

    /** Where a regular run starts looking, given the covered time in the database (if any) and its own start. */
    static Instant lookFrom(Optional<Instant> coveredUntil, Instant started) {
        return coveredUntil.filter(covered -> !covered.isAfter(started))
                .map(covered -> covered.minus(LOOKBACK))
                .orElse(started.minus(FIRST_LOOKBACK));
    }

    private Optional<Run> run(Instant requestedSince) throws SQLException {
        running.lock();
        try {
            Optional<JobLease> lease = JobLease.tryAcquire(dataSource, LEASE_KEY);
            if (lease.isEmpty()) {
                return Optional.empty();
            }
            try (JobLease held = lease.get(); Connection connection = dataSource.getConnection()) {
                return Optional.of(runHoldingLease(connection, requestedSince));
            }
        } finally {
            running.unlock();
        }
    }

    private Run runHoldingLease(Connection connection, Instant requestedSince) throws SQLException {
        connection.setAutoCommit(false);
        try {
            Instant started = databaseNow(connection);
            Instant now = window.now();
            // The catalogue first: it decides which keys the buckets and the current statistics roll up.
            recomputeKeys(connection, now, maxKeysPerApp);
            Instant since = requestedSince != null ? requestedSince : lookFrom(coveredUntil(connection), started);
            List<BucketRef> buckets = changedBuckets(connection, since);
            long rows = 0;
            Map<Long, LocalDate> changedDays = new HashMap<>();
            for (BucketRef bucket : buckets) {
                rows += recompute(connection, bucket);
                if (bucket.width() == Bucket.DAY) {
                    changedDays.merge(bucket.applicationId(), bucket.start().atZoneSameInstant(ZoneOffset.UTC).toLocalDate(),
                            (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            InstallBase.refresh(connection, changedDays, LocalDate.ofInstant(now, ZoneOffset.UTC), window.days());
            recomputeCurrent(connection, now, window.activeSince());
            if (requestedSince == null) {
                cover(connection);
            }
            connection.commit();
            return new Run(buckets.size(), rows);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The start of the current transaction by the database's clock, the one every node shares. */
    private static Instant databaseNow(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT now()")) {
            row.next();
            return Rows.instant(row, 1);
        }
    }

    private static Optional<Instant> coveredUntil(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT covered_until FROM rollup_coverage WHERE id = 1")) {
            return row.next() ? Optional.of(Rows.instant(row, 1)) : Optional.empty();
        }
    }

    /** Covered until the start of this run's transaction, by the database's clock. */
    static final String COVER = """
            INSERT INTO rollup_coverage (id, covered_until) VALUES (1, now())
            ON CONFLICT (id) DO UPDATE SET covered_until = excluded.covered_until""";

    private static void cover(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(COVER);
        }
    }

    /** Sets the time in a one-row state table ({@code id = 1}). */
    private static void stamp(Connection connection, String table, String column, Instant time) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table + " (id, " + column
                + ") VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET " + column + " = excluded." + column)) {
            statement.setObject(1, time.atOffset(ZoneOffset.UTC));
            statement.executeUpdate();
        }
    }

    /**
     * Marks every bucket an instance contributed to, so that the next run recomputes them without it
     * (called before the instance is revoked or deleted, in the caller's transaction).
     */
    public static void markInstanceBuckets(Connection connection, long instanceRowId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                INSERT INTO rollup_dirty (application_id, width, bucket_start)
                SELECT application_id, width, bucket_start FROM instance_bucket WHERE instance_id = ?
                ON CONFLICT DO NOTHING""")) {
            statement.setLong(1, instanceRowId);
            statement.executeUpdate();
        }
    }

    private static List<BucketRef> changedBuckets(Connection connection, Instant since) throws SQLException {
        List<BucketRef> buckets = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(CHANGED_BUCKETS)) {
            statement.setObject(1, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    buckets.add(new BucketRef(rows.getLong(1), Bucket.ofCode(rows.getString(2)),
                            Rows.instant(rows, 3).atOffset(ZoneOffset.UTC)));
                }
            }
        }
        return buckets;
    }

    /**
     * Replaces {@code metric_key} whole, so that the keys of instances deleted or emptied since the
     * last run go (one pass over every instance's keys), and records when.
     */
    private static void recomputeKeys(Connection connection, Instant now, int maxKeysPerApp) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM metric_key");
            statement.executeUpdate("DELETE FROM metric_key_left_out");
        }
        try (PreparedStatement statement = connection.prepareStatement(CURRENT_KEYS)) {
            statement.setInt(1, maxKeysPerApp);
            statement.setInt(2, maxKeysPerApp);
            statement.executeUpdate();
        }
        stamp(connection, "metric_key_state", "computed_at", now);
    }

    /**
     * Replaces {@code fleet_current} whole: the active window moves on even when no data arrives, so
     * every run recomputes it (one pass over the active instances' current metrics).
     */
    private static void recomputeCurrent(Connection connection, Instant now, Instant activeSince) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM fleet_current");
            statement.executeUpdate("DELETE FROM fleet_current_state");
        }
        OffsetDateTime since = activeSince.atOffset(ZoneOffset.UTC);
        for (String sql : List.of(CURRENT_NUMBERS, CURRENT_VALUES)) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setObject(1, since);
                statement.executeUpdate();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(CURRENT_STATE)) {
            statement.setObject(1, now.atOffset(ZoneOffset.UTC));
            statement.setObject(2, now.atOffset(ZoneOffset.UTC));
            statement.executeUpdate();
        }
    }

    /** @return the {@code fleet_rollup} rows written for the bucket */
    private static long recompute(Connection connection, BucketRef bucket) throws SQLException {
        long written = 0;
        for (String sql : List.of(
                "DELETE FROM fleet_rollup WHERE application_id = ? AND width = ? AND bucket_start = ?",
                AGGREGATE,
                "DELETE FROM rollup_dirty WHERE application_id = ? AND width = ? AND bucket_start = ?")) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setLong(1, bucket.applicationId());
                statement.setString(2, bucket.width().code());
                statement.setObject(3, bucket.start());
                int rows = statement.executeUpdate();
                if (sql == AGGREGATE) {
                    written = rows;
                }
            }
        }
        return written;
    }

    record BucketRef(long applicationId, Bucket width, OffsetDateTime start) {
    }
}
