package io.shm.ingest.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * {@link SnapshotStore}'s statement, bound the same way, over a plain JDBC connection: what the
 * database alone can do, without HTTP, JSON, signatures or the application server. In this package
 * so that it runs exactly the SQL the server runs, not a copy that could drift from it.
 */
public final class DirectSnapshotStore {

    private DirectSnapshotStore() {
    }

    /**
     * Stores one snapshot of the instance with this row id; in auto-commit, as the server does,
     * the statement is its own transaction, else the caller commits.
     *
     * @return whether it was stored (false: unknown or revoked instance, or not a later snapshot)
     */
    public static boolean store(Connection connection, long rowId, Instant receivedAt, Instant clientTimestamp,
                                String metricsJson) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SnapshotStore.STORE)) {
            SnapshotStore.bind(statement, rowId, receivedAt, clientTimestamp, metricsJson, SnapshotStore.Settings.DEFAULTS);
            return statement.executeUpdate() == SnapshotStore.BUCKETS;
        }
    }
}
