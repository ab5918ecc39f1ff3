package io.shm.ingest.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
        try (PreparedStatement statement = connection.prepareStatement(SnapshotStore.STORE)) {
            SnapshotStore.bind(statement, rowId, receivedAt, clientTimestamp, metricsJson, SnapshotStore.Settings.DEFAULTS);
            return statement.executeUpdate() == SnapshotStore.BUCKETS;
        }
    }

    /** One snapshot to store with others: the instance's row id, its timestamps and metrics. */
    public record Write(long rowId, Instant receivedAt, Instant clientTimestamp, String metricsJson) {
    }

    /**
     * Stores the snapshots in one transaction, the statements pipelined, as the server's group commit
     * ({@link SnapshotWriter}) writes a batch.
     *
     * @return how many were stored
     */
    public static int storeBatch(Connection connection, List<Write> writes) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(SnapshotStore.STORE)) {
            for (Write write : writes) {
                SnapshotStore.bind(statement, write.rowId(), write.receivedAt(), write.clientTimestamp(),
                        write.metricsJson(), SnapshotStore.Settings.DEFAULTS);
                statement.addBatch();
            }
            int stored = 0;
            for (int count : statement.executeBatch()) {
                stored += count == SnapshotStore.BUCKETS ? 1 : 0;
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
