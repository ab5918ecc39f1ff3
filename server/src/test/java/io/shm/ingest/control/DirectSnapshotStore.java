package io.shm.ingest.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

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
        SnapshotStore.Row row = new SnapshotStore.Row(rowId, receivedAt, clientTimestamp, metricsJson);
        return !SnapshotStore.execute(connection, List.of(row), SnapshotStore.Settings.DEFAULTS).isEmpty();
    }

    /**
     * Stores the snapshots in one transaction, as the server's group commit ({@link SnapshotWriter})
     * writes a batch: one statement, or one per snapshot an instance has beyond its first.
     *
     * @return how many were stored
     */
    public static int storeBatch(Connection connection, List<SnapshotStore.Row> rows) throws SQLException {
        connection.setAutoCommit(false);
        try {
            int stored = 0;
            for (List<SnapshotStore.Row> round : SnapshotStore.rounds(rows, SnapshotStore.Row::rowId)) {
                stored += SnapshotStore.execute(connection, round, SnapshotStore.Settings.DEFAULTS).size();
            }
            connection.commit();
            return stored;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
