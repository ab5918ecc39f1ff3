package io.shm.persistence.control;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Where the database is, and how set-based JDBC work runs. The server writes each table through one
 * owner: JPA with CDI {@code @Transactional} for aggregates changed one at a time (instance
 * registration and activation, applications, accounts, tokens); plain JDBC for set-based work (the
 * ingest hot path, rollups, retention, exports, directory pages), either one auto-committed statement
 * or several in {@link #inTransaction}. Scheduled jobs are EJB singletons with bean-managed
 * transactions, so that their JDBC transactions are their own and never the container's.
 */
public final class Jdbc {

    /** The pool the application defines for itself: the database unless {@code SHM_DB_JNDI} names another. */
    public static final String OWN_POOL = "java:app/jdbc/shm";
    /** The database, for every bean: a resource reference to {@code SHM_DB_JNDI}, by default {@link #OWN_POOL}. */
    public static final String DATASOURCE = "java:app/env/jdbc/shm";

    /** Work on one connection of the pool, inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. The
     * connection goes back to the pool in auto-commit, as every other user of the pool expects it.
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
