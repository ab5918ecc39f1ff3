package io.shm.aggregation.control;

import static io.shm.aggregation.control.FleetSql.utc;

import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Which keys an application's fleet reports: now, in its key catalogue ({@code metric_key}, which the
 * rollup job rebuilds every minute), and how many are left out beyond {@code SHM_MAX_KEYS_PER_APP}.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetKeys {

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    /** The keys the active instances of an application report now, with their JSON types. */
    public Map<String, String> currentKeys(long applicationId) throws SQLException {
        String sql = "SELECT kv.key, min(jsonb_typeof(kv.value)) FROM instance i CROSS JOIN LATERAL jsonb_each(i.metrics) kv"
                + " WHERE " + ActiveWindow.ACTIVE + " AND i.application_id = ? GROUP BY kv.key ORDER BY kv.key";
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
}
