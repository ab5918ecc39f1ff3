package io.shm.persistence.control;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Column reads for result sets that come through the server's pool. Payara's wrapper answers the JDBC
 * 4.1 {@code ResultSet.getObject(int, Class)} by reflection, looking the method up on every call; on
 * a chart feed or an export of tens of thousands of rows that lookup was a quarter of the server's
 * time. These read through the plain JDBC methods, which the wrapper calls directly.
 */
public final class Rows {

    private Rows() {
    }

    /** A {@code timestamptz} column, or null. */
    public static Instant instant(ResultSet row, int column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** A {@code uuid} column, or null. */
    public static UUID uuid(ResultSet row, int column) throws SQLException {
        return (UUID) row.getObject(column);
    }
}
