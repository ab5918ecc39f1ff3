package io.shm.persistence.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The right to run a scheduled job on this node while the other nodes of a cluster skip it: a
 * PostgreSQL session-level advisory lock, taken without waiting, on a connection kept for the whole run
 * and released when the lease is closed. A transaction-level lock would last only as long as one
 * transaction, and a job that runs several (or none) would let another node in half-way.
 *
 * <p>The connection goes back to the pool on close, after the unlock: a pooled session keeps its
 * advisory locks, so the unlock must not be skipped. Should the unlock fail because the session died,
 * the lock died with it.
 */
public final class JobLease implements AutoCloseable {

    private final Connection connection;
    private final long key;

    private JobLease(Connection connection, long key) {
        this.connection = connection;
        this.key = key;
    }

    /** The lease on {@code key}, or empty when another session (another node) holds it now. */
    public static Optional<JobLease> tryAcquire(DataSource dataSource, long key) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, key);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                if (result.getBoolean(1)) {
                    return Optional.of(new JobLease(connection, key));
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return Optional.empty();
    }

    @Override
    public void close() throws SQLException {
        try (connection; PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, key);
            statement.executeQuery().close();
        }
    }
}
