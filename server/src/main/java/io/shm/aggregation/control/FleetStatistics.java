package io.shm.aggregation.control;

import static io.shm.aggregation.control.FleetSql.utc;

import io.shm.aggregation.entity.Distribution;
import io.shm.aggregation.entity.NumericStats;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The fleet now: statistics and distributions of the active instances' current values (each instance
 * row holds its current value of every key). Statistics over whole fleets come from {@code fleet_current},
 * which {@link Rollups} recomputes every minute, or, for a scope the job has not reached yet, are
 * computed here with the job's own SQL ({@link FleetSql}). Nothing here reads raw snapshots. An
 * {@code applicationId} of {@code null} means every application.
 *
 * <p>Percentiles are nearest-rank ({@code percentile_disc}): p90 is the smallest current value that
 * at least 90 % of the reporting instances do not exceed. Values are exact decimals, whatever their size.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetStatistics {

    /** A histogram of the active instances' current values of a numeric key: equal-width bins from min to max. */
    public record Histogram(BigDecimal min, BigDecimal max, List<Long> counts) {
    }

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

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
                    statement.setLong(1, FleetSql.scope(applicationId));
                    return numbers(statement);
                }
            }
            String sql = """
                    SELECT key, %s
                      FROM (SELECT kv.key, %s
                              %s
                             WHERE %s AND n.v IS NOT NULL AND %s AND %s
                             GROUP BY kv.key) stats
                     ORDER BY key"""
                    .formatted(FleetSql.NUMBER_COLUMNS, FleetSql.NUMBER_STATISTICS, FleetSql.FROM_CURRENT_VALUES,
                            ActiveWindow.ACTIVE, applicationId == null ? "TRUE" : "i.application_id = ?",
                            FleetSql.catalogued("i", "kv.key"));
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
            statement.setLong(1, FleetSql.scope(applicationId));
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(Rows.instant(row, 1)) : Optional.empty();
            }
        }
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
     * The fleet total of one numeric key: the sum of the active instances' current values, with how many
     * instances report it; empty when none does.
     */
    public Optional<NumericStats> total(long applicationId, String key) throws SQLException {
        String sql = "SELECT count(*), sum(n.v) FROM instance i"
                + " CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(i.metrics -> ?) = 'number'"
                + " THEN CAST(i.metrics -> ? AS numeric) END AS v) n"
                + " WHERE " + ActiveWindow.ACTIVE + " AND i.application_id = ? AND n.v IS NOT NULL";
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

    public Optional<Histogram> histogram(long applicationId, String key, int bins) throws SQLException {
        String sql = """
                WITH v AS (SELECT CAST(i.metrics -> ? AS numeric) AS v FROM instance i
                            WHERE %s
                              AND i.application_id = ? AND jsonb_typeof(i.metrics -> ?) = 'number'),
                     r AS (SELECT min(v) AS lo, max(v) AS hi FROM v)
                SELECT r.lo, r.hi, least(width_bucket(v.v, r.lo, r.hi + CASE WHEN r.hi = r.lo THEN 1 ELSE 0 END, ?), ?) AS bin,
                       count(*)
                  FROM v, r GROUP BY r.lo, r.hi, bin ORDER BY bin""".formatted(ActiveWindow.ACTIVE);
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
                Arrays.fill(counts, 0L);
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

    /** The version most active instances run (ties: the greatest version string), if any instance is active. */
    public Optional<String> mostCommonVersion(long applicationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT i.app_version FROM instance i WHERE "
                     + ActiveWindow.ACTIVE + " AND i.application_id = ?"
                     + " GROUP BY i.app_version ORDER BY count(*) DESC, i.app_version DESC LIMIT 1")) {
            statement.setObject(1, utc(window.activeSince()));
            statement.setLong(2, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Distributions of the active instances over their metadata: {@code app_version},
     * {@code deployment_mode}, {@code environment}, {@code os_arch}.
     */
    public List<Distribution> metadataDistributions(long applicationId, int top) throws SQLException {
        return distributions(counted("""
                          SELECT 'app_version' AS key, i.app_version AS value FROM instance i WHERE %1$s
                             AND i.application_id = ?
                UNION ALL SELECT 'deployment_mode', i.deployment_mode FROM instance i WHERE %1$s
                             AND i.application_id = ? AND i.deployment_mode IS NOT NULL
                UNION ALL SELECT 'environment', i.environment FROM instance i WHERE %1$s
                             AND i.application_id = ? AND i.environment IS NOT NULL
                UNION ALL SELECT 'os_arch', i.os_arch FROM instance i WHERE %1$s
                             AND i.application_id = ? AND i.os_arch IS NOT NULL""".formatted(ActiveWindow.ACTIVE)),
                4, applicationId, true, top);
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
                SELECT kv.key, %s AS value
                  FROM instance i CROSS JOIN LATERAL jsonb_each(i.metrics) kv
                 WHERE %s AND i.application_id = ? AND %s AND %s"""
                .formatted(FleetSql.TEXT_VALUE, ActiveWindow.ACTIVE, FleetSql.TEXT_TYPED, FleetSql.catalogued("i", "kv.key"))),
                1, applicationId, true, top);
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

    private static BigDecimal plain(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros();
    }
}
