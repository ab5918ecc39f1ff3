package io.shm.aggregation.control;

import static io.shm.aggregation.control.FleetSql.utc;

import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.DistributionPoint;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.aggregation.entity.ValueCount;
import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.Rows;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The fleet over time: per bucket, what {@link Rollups} stored in {@code fleet_rollup}; never raw snapshots. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetSeries {

    /**
     * The key under which rollups keep the application version: U+0001 then {@code version}. Client
     * keys cannot hold a control character, so none can take its place.
     */
    public static final String VERSION_KEY = "\u0001version";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

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
                + (key == null ? " AND metric_key <> " + FleetSql.VERSION_KEY : " AND metric_key = ?")
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
}
