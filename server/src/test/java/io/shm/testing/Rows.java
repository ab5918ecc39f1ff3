package io.shm.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** What the test database holds about an instance, read straight over JDBC. */
public final class Rows {

    private Rows() {
    }

    public static long snapshotsOf(UUID instanceId) {
        return number("SELECT count(*) FROM snapshot s JOIN instance i ON i.id = s.instance_id WHERE i.instance_id = ?", instanceId);
    }

    public static long instancesWithId(UUID instanceId) {
        return number("SELECT count(*) FROM instance WHERE instance_id = ?", instanceId);
    }

    /** The instance row, column name to value (jsonb as text), or an empty map. */
    public static Map<String, Object> instance(UUID instanceId) {
        return query("SELECT i.*, i.metrics::text AS metrics_json, a.slug FROM instance i JOIN application a ON a.id = i.application_id"
                + " WHERE i.instance_id = ?", instanceId);
    }

    public static void revoke(UUID instanceId) {
        update("UPDATE instance SET status = 'REVOKED' WHERE instance_id = ?", instanceId);
    }

    public static long number(String sql, Object... parameters) {
        return ((Number) query(sql, parameters).values().iterator().next()).longValue();
    }

    public static void update(String sql, Object... parameters) {
        try (Connection connection = TestDatabase.get().dataSource().getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> query(String sql, Object... parameters) {
        try (Connection connection = TestDatabase.get().dataSource().getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            Map<String, Object> row = new HashMap<>();
            if (rows.next()) {
                ResultSetMetaData meta = rows.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rows.getObject(i));
                }
            }
            return row;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
