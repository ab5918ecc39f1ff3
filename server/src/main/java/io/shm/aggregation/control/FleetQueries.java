package io.shm.aggregation.control;

import io.shm.aggregation.entity.ApplicationRef;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.Distribution;
import io.shm.aggregation.entity.DistributionPoint;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.aggregation.entity.ValueCount;
import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.Rows;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The read side of the aggregation. Current fleet values come from the instance rows (each holds its
 * current value of every key), their statistics from {@code fleet_current}, which the rollup job
 * recomputes every minute; history comes from {@code fleet_rollup}. Nothing here reads raw snapshots. An {@code applicationId} of {@code null} means every application.
 *
 * <p>Percentiles are nearest-rank ({@code percentile_disc}): p90 is the smallest current value that
 * at least 90 % of the reporting instances do not exceed. Values are exact decimals, whatever their size.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetQueries {

    /**
     * The key under which rollups keep the application version: U+0001 then {@code version}. Client
     * keys cannot hold a control character, so none can take its place.
     */
    public static final String VERSION_KEY = "\u0001version";

    static final String ACTIVE = " " + ActiveWindow.ACTIVE + " ";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    public Optional<ApplicationRef> application(String slugOrName) throws SQLException {
        List<ApplicationRef> found = applications("SELECT id, slug, name FROM application WHERE slug = ? OR name = ?"
                + " ORDER BY (slug = ?) DESC, id LIMIT 1", slugOrName, slugOrName, slugOrName);
        return found.stream().findFirst();
    }

    public List<ApplicationRef> applications() throws SQLException {
        return applications("SELECT id, slug, name FROM application ORDER BY name, id");
    }

    public InstanceCounts counts(Long applicationId) throws SQLException {
        return counts(applicationFilter(applicationId), applicationId).get(ALL);
    }

    /** The counts of every application that has instances, by application id, in one pass. */
    public Map<Long, InstanceCounts> countsByApplication() throws SQLException {
        return counts(null, null);
    }

    private static final long ALL = -1;

    /**
     * Counts of the instances that {@code where} selects, under {@link #ALL} (an aggregate without
     * grouping always has its one row), or of every application by id when {@code where} is null.
     */
    private Map<Long, InstanceCounts> counts(String where, Long applicationId) throws SQLException {
        Instant now = window.now();
        Instant since = window.activeSince();
        String sql = "SELECT " + (where == null ? "application_id" : ALL) + """
                       , count(*),
                       count(*) FILTER (WHERE\s""" + ActiveWindow.ACTIVE + """
                       ),
                       count(*) FILTER (WHERE status = 'PENDING'),
                       count(*) FILTER (WHERE status = 'REVOKED'),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND first_seen >= ?),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND first_seen >= ?),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND last_seen < ? AND last_seen >= ?),
                       count(*) FILTER (WHERE status = 'ACTIVE' AND last_seen < ? AND last_seen >= ?)
                  FROM instance i""" + (where == null ? " GROUP BY application_id" : " WHERE " + where);
        Map<Long, InstanceCounts> counts = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            statement.setObject(p++, utc(since));
            statement.setObject(p++, utc(now.minus(Duration.ofDays(7))));
            statement.setObject(p++, utc(now.minus(Duration.ofDays(30))));
            statement.setObject(p++, utc(since));
            statement.setObject(p++, utc(since.minus(Duration.ofDays(7))));
            statement.setObject(p++, utc(since));
            statement.setObject(p++, utc(since.minus(Duration.ofDays(30))));
            if (applicationId != null) {
                statement.setLong(p, applicationId);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    counts.put(row.getLong(1), new InstanceCounts(row.getLong(2), row.getLong(3), row.getLong(4),
                            row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9)));
                }
            }
        }
        return counts;
    }

    /** How many instances of the application are active. */
    public long activeInstances(long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT count(*) FROM instance i WHERE" + ACTIVE + "AND i.application_id = ?")) {
            statement.setObject(1, utc(window.activeSince()));
            statement.setLong(2, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** How many instances are active in each application, by slug; an application with none at 0. */
    public Map<String, Long> activeInstancesBySlug() throws SQLException {
        String sql = "SELECT a.slug, count(i.id) FROM application a LEFT JOIN instance i ON i.application_id = a.id AND"
                + ACTIVE + "GROUP BY a.slug ORDER BY a.slug";
        Map<String, Long> active = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, utc(window.activeSince()));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    active.put(row.getString(1), row.getLong(2));
                }
            }
        }
        return active;
    }

    /** The version most active instances run (ties: the greatest version string), if any instance is active. */
    public Optional<String> mostCommonVersion(long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT i.app_version FROM instance i WHERE"
                     + ACTIVE + "AND i.application_id = ? GROUP BY i.app_version ORDER BY count(*) DESC, i.app_version DESC LIMIT 1")) {
            statement.setObject(1, utc(window.activeSince()));
            statement.setLong(2, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * The fleet total of one numeric key: the sum of the active instances' current values, with how many
     * instances report it; empty when none does.
     */
    public Optional<NumericStats> total(long applicationId, String key) throws SQLException {
        String sql = "SELECT count(*), sum(n.v) FROM instance i"
                + " CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(i.metrics -> ?) = 'number'"
                + " THEN CAST(i.metrics -> ? AS numeric) END AS v) n"
                + " WHERE" + ACTIVE + "AND i.application_id = ? AND n.v IS NOT NULL";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            statement.setString(2, key);
            statement.setObject(3, utc(window.activeSince()));
            statement.setLong(4, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (row.getLong(1) == 0) {
                    return Optional.empty();
                }
                return Optional.of(new NumericStats(key, row.getLong(1), row.getBigDecimal(2), null, null, null, null, null, null));
            }
        }
    }

    /**
     * For each numeric key, statistics of the active instances' current values, by key: as the rollup
     * job computed them at {@link #currentAsOf}, or computed now for a scope the job has not reached yet.
     */
    public List<NumericStats> numbers(Long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (currentAsOf(connection, applicationId).isPresent()) {
                try (PreparedStatement statement = connection.prepareStatement("""
                        SELECT metric_key, instances, value_sum, value_min, value_max, value_avg,
                               value_p50, value_p90, value_p99
                          FROM fleet_current WHERE scope = ? AND value_type = 'n' ORDER BY metric_key""")) {
                    statement.setLong(1, scope(applicationId));
                    return numbers(statement);
                }
            }
            String sql = """
                    SELECT kv.key, count(*), sum(n.v), min(n.v), max(n.v), avg(n.v),
                           percentile_disc(0.5) WITHIN GROUP (ORDER BY n.v),
                           percentile_disc(0.9) WITHIN GROUP (ORDER BY n.v),
                           percentile_disc(0.99) WITHIN GROUP (ORDER BY n.v)
                      FROM instance i
                     CROSS JOIN LATERAL jsonb_each(i.metrics) kv
                     CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(kv.value) = 'number'
                                                     THEN CAST(kv.value AS numeric) END AS v) n
                     WHERE""" + ACTIVE + "AND n.v IS NOT NULL AND " + applicationFilter(applicationId) + """
                     GROUP BY kv.key
                     ORDER BY kv.key""";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setObject(1, utc(window.activeSince()));
                if (applicationId != null) {
                    statement.setLong(2, applicationId);
                }
                return numbers(statement);
            }
        }
    }

    /** When the rollup job last computed the current statistics of an application ({@code null}: of all). */
    public Optional<Instant> currentAsOf(Long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return currentAsOf(connection, applicationId);
        }
    }

    private static Optional<Instant> currentAsOf(Connection connection, Long applicationId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT computed_at FROM fleet_current_state WHERE scope = ?")) {
            statement.setLong(1, scope(applicationId));
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(Rows.instant(row, 1)) : Optional.empty();
            }
        }
    }

    private static long scope(Long applicationId) {
        return applicationId == null ? Rollups.ALL_APPLICATIONS : applicationId;
    }

    private static List<NumericStats> numbers(PreparedStatement statement) throws SQLException {
        List<NumericStats> stats = new ArrayList<>();
        try (ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                stats.add(new NumericStats(row.getString(1), row.getLong(2), row.getBigDecimal(3),
                        row.getBigDecimal(4), row.getBigDecimal(5), plain(row.getBigDecimal(6)),
                        row.getBigDecimal(7), row.getBigDecimal(8), row.getBigDecimal(9)));
            }
        }
        return stats;
    }

    /**
     * Distributions of the active instances over their metadata: {@code app_version},
     * {@code deployment_mode}, {@code environment}, {@code os_arch}.
     */
    public List<Distribution> metadataDistributions(long applicationId, int top) throws SQLException {
        return distributions(counted("""
                SELECT 'app_version' AS key, i.app_version AS value FROM instance i WHERE""" + ACTIVE + """
                   AND i.application_id = ?
                UNION ALL SELECT 'deployment_mode', i.deployment_mode FROM instance i WHERE""" + ACTIVE + """
                   AND i.application_id = ? AND i.deployment_mode IS NOT NULL
                UNION ALL SELECT 'environment', i.environment FROM instance i WHERE""" + ACTIVE + """
                   AND i.application_id = ? AND i.environment IS NOT NULL
                UNION ALL SELECT 'os_arch', i.os_arch FROM instance i WHERE""" + ACTIVE + """
                   AND i.application_id = ? AND i.os_arch IS NOT NULL"""), 4, applicationId, true, top);
    }

    /**
     * Distributions of the active instances over the current values of their string and boolean keys,
     * as the rollup job computed them, or computed now for a scope the job has not reached yet.
     */
    public List<Distribution> valueDistributions(long applicationId, int top) throws SQLException {
        if (currentAsOf(applicationId).isPresent()) {
            return distributions("""
                    SELECT metric_key AS key, text_value AS value, sum(instances) AS n FROM fleet_current
                     WHERE scope = ? AND value_type IN ('s', 'b') GROUP BY metric_key, text_value""",
                    1, applicationId, false, top);
        }
        return distributions(counted("""
                SELECT kv.key, kv.value #>> '{}' AS value
                  FROM instance i CROSS JOIN LATERAL jsonb_each(i.metrics) kv
                 WHERE""" + ACTIVE + """
                   AND i.application_id = ? AND jsonb_typeof(kv.value) IN ('string', 'boolean')"""), 1, applicationId, true, top);
    }

    /** A numeric key's series; buckets where no instance reported the key are absent. */
    public List<SeriesPoint> series(long applicationId, String key, Bucket bucket, Instant from, Instant to)
            throws SQLException {
        return allSeries(applicationId, key, bucket, from, to).getOrDefault(key, List.of());
    }

    /** Every numeric key's series (or one key's), by key in code order, each in time order. */
    public Map<String, List<SeriesPoint>> allSeries(long applicationId, String key, Bucket bucket, Instant from, Instant to)
            throws SQLException {
        String sql = "SELECT metric_key, bucket_start, instances, value_sum, value_min, value_max FROM fleet_rollup"
                + " WHERE application_id = ? AND width = ? AND value_type = 'n' AND bucket_start >= ? AND bucket_start < ?"
                + (key == null ? " AND metric_key <> chr(1) || 'version'" : " AND metric_key = ?")
                // In the index's order: no sort of every row by key in the database; keys are ordered here.
                + " ORDER BY bucket_start";
        Map<String, List<SeriesPoint>> series = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, applicationId);
            statement.setString(2, bucket.code());
            statement.setObject(3, utc(bucket.align(from)));
            statement.setObject(4, utc(to));
            if (key != null) {
                statement.setString(5, key);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    series.computeIfAbsent(row.getString(1), k -> new ArrayList<>()).add(new SeriesPoint(
                            Rows.instant(row, 2), row.getLong(3),
                            row.getBigDecimal(4), row.getBigDecimal(5), row.getBigDecimal(6)));
                }
            }
        }
        return series;
    }

    /** A string or boolean key's distribution per bucket ({@link #VERSION_KEY} for versions). */
    public List<DistributionPoint> distributionSeries(long applicationId, String key, Bucket bucket, Instant from,
                                                      Instant to, int top) throws SQLException {
        String sql = "SELECT bucket_start, text_value, instances FROM fleet_rollup"
                + " WHERE application_id = ? AND width = ? AND metric_key = ? AND value_type IN ('s', 'b')"
                + " AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start, instances DESC, text_value";
        List<DistributionPoint> points = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, applicationId);
            statement.setString(2, bucket.code());
            statement.setString(3, key);
            statement.setObject(4, utc(bucket.align(from)));
            statement.setObject(5, utc(to));
            try (ResultSet row = statement.executeQuery()) {
                Instant current = null;
                List<ValueCount> values = null;
                long other = 0;
                while (row.next()) {
                    Instant start = Rows.instant(row, 1);
                    if (!start.equals(current)) {
                        addPoint(points, current, values, other);
                        current = start;
                        values = new ArrayList<>();
                        other = 0;
                    }
                    if (values.size() < top) {
                        values.add(new ValueCount(row.getString(2), row.getLong(3)));
                    } else {
                        other += row.getLong(3);
                    }
                }
                addPoint(points, current, values, other);
            }
        }
        return points;
    }

    /** A histogram of the active instances' current values of a numeric key: equal-width bins from min to max. */
    public record Histogram(BigDecimal min, BigDecimal max, List<Long> counts) {
    }

    public Optional<Histogram> histogram(long applicationId, String key, int bins) throws SQLException {
        String sql = """
                WITH v AS (SELECT CAST(i.metrics -> ? AS numeric) AS v FROM instance i
                            WHERE""" + ACTIVE + """
                              AND i.application_id = ? AND jsonb_typeof(i.metrics -> ?) = 'number'),
                     r AS (SELECT min(v) AS lo, max(v) AS hi FROM v)
                SELECT r.lo, r.hi, least(width_bucket(v.v, r.lo, r.hi + CASE WHEN r.hi = r.lo THEN 1 ELSE 0 END, ?), ?) AS bin,
                       count(*)
                  FROM v, r GROUP BY r.lo, r.hi, bin ORDER BY bin""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            statement.setObject(2, utc(window.activeSince()));
            statement.setLong(3, applicationId);
            statement.setString(4, key);
            statement.setInt(5, bins);
            statement.setInt(6, bins);
            try (ResultSet row = statement.executeQuery()) {
                Long[] counts = new Long[bins];
                java.util.Arrays.fill(counts, 0L);
                BigDecimal min = null;
                BigDecimal max = null;
                while (row.next()) {
                    min = row.getBigDecimal(1);
                    max = row.getBigDecimal(2);
                    counts[row.getInt(3) - 1] = row.getLong(4);
                }
                return min == null ? Optional.empty() : Optional.of(new Histogram(min, max, List.of(counts)));
            }
        }
    }

    /**
     * How many keys the application reported beyond {@code SHM_MAX_KEYS_PER_APP} as of the rollup job's
     * last run: the least recently reported ones, left out of its rollups and fleet statistics.
     */
    public long keysLeftOut(long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT COALESCE(max(keys_left_out), 0) FROM metric_key_left_out WHERE application_id = ?")) {
            statement.setLong(1, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Whether a key may be among the application's current keys, from its key catalogue and the
     * instances seen since the catalogue was built (a few minutes' worth, through the index on last
     * seen), never from all of its instances: false for a key it never reported (or one past
     * {@code SHM_MAX_KEYS_PER_APP}); true as well before the rollup job first built the catalogue.
     */
    public boolean mayReport(long applicationId, String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT NOT EXISTS (SELECT 1 FROM metric_key_state)
                         OR EXISTS (SELECT 1 FROM metric_key WHERE application_id = ? AND metric_key = ?)
                         OR EXISTS (SELECT 1 FROM instance i CROSS JOIN metric_key_state s
                                     WHERE i.application_id = ? AND i.last_seen >= s.computed_at - ?::interval
                                       AND jsonb_exists(i.metrics, ?))""")) {
            statement.setLong(1, applicationId);
            statement.setString(2, key);
            statement.setLong(3, applicationId);
            statement.setString(4, Rollups.LOOKBACK.toSeconds() + " seconds");
            statement.setString(5, key);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** The keys the active instances of an application report now, with their JSON types. */
    public Map<String, String> currentKeys(long applicationId) throws SQLException {
        String sql = "SELECT kv.key, min(jsonb_typeof(kv.value)) FROM instance i CROSS JOIN LATERAL jsonb_each(i.metrics) kv"
                + " WHERE" + ACTIVE + "AND i.application_id = ? GROUP BY kv.key ORDER BY kv.key";
        Map<String, String> keys = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, utc(window.activeSince()));
            statement.setLong(2, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    keys.put(row.getString(1), row.getString(2));
                }
            }
        }
        return keys;
    }

    private static void addPoint(List<DistributionPoint> points, Instant start, List<ValueCount> values, long other) {
        if (start == null) {
            return;
        }
        List<ValueCount> all = new ArrayList<>(values);
        if (other > 0) {
            all.add(new ValueCount(null, other));
        }
        points.add(new DistributionPoint(start, List.copyOf(all)));
    }

    /** Counts (key, value, n) of the pairs (key, value) that a query selects. */
    private static String counted(String pairs) {
        return "WITH pairs AS (" + pairs + ") SELECT key, value, count(*) AS n FROM pairs GROUP BY key, value";
    }

    /**
     * The top values of each key, and how many instances the others have, from a query {@code countsSql}
     * of counts (key, value, n) whose parameters are {@code repeats} times the active-window start (when
     * {@code windowed}) and the application id.
     */
    private List<Distribution> distributions(String countsSql, int repeats, long applicationId, boolean windowed, int top)
            throws SQLException {
        String sql = "WITH counted AS (" + countsSql + "),"
                + " ranked AS (SELECT key, value, n, sum(n) OVER (PARTITION BY key) AS total,"
                + " row_number() OVER (PARTITION BY key ORDER BY n DESC, value) AS rank FROM counted)"
                + " SELECT key, value, n, total FROM ranked WHERE rank <= ? ORDER BY key, rank";
        Map<String, List<ValueCount>> values = new LinkedHashMap<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            OffsetDateTime since = utc(window.activeSince());
            int p = 1;
            for (int i = 0; i < repeats; i++) {
                if (windowed) {
                    statement.setObject(p++, since);
                }
                statement.setLong(p++, applicationId);
            }
            statement.setInt(p, top);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    values.computeIfAbsent(row.getString(1), k -> new ArrayList<>())
                            .add(new ValueCount(row.getString(2), row.getLong(3)));
                    totals.put(row.getString(1), row.getLong(4));
                }
            }
        }
        List<Distribution> distributions = new ArrayList<>();
        values.forEach((key, counts) -> distributions.add(new Distribution(key, List.copyOf(counts),
                totals.get(key) - counts.stream().mapToLong(ValueCount::instances).sum())));
        return distributions;
    }

    private List<ApplicationRef> applications(String sql, String... parameters) throws SQLException {
        List<ApplicationRef> applications = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    applications.add(new ApplicationRef(row.getLong(1), row.getString(2), row.getString(3)));
                }
            }
        }
        return applications;
    }

    private static String applicationFilter(Long applicationId) {
        return applicationId == null ? " TRUE " : " i.application_id = ? ";
    }

    private static BigDecimal plain(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
