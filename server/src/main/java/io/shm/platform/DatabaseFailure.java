package io.shm.platform;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * What a failure on the way to the database means for the client that caused the request, read from
 * the SQL state wherever JPA, JTA, EclipseLink or the pool wrapped the driver's exception. Only an
 * outage is worth retrying (503 with Retry-After: the SDKs retry for as long as it lasts); a value the
 * database refuses fails again on every retry, so it is the client's error (400); a request that lost a
 * race to a concurrent one may be sent again (409); anything else is a defect of the server (500).
 */
public enum DatabaseFailure {

    /** No database exception anywhere in the chain. */
    NONE,
    /**
     * The database cannot serve now: connection lost or refused (class 08), shutting down or restarting
     * (57P01-57P03), too many connections or out of resources (class 53), the pool exhausted or timed
     * out, a statement cancelled by a timeout (57014), a lock or serialization conflict (55P03, 40001,
     * 40P01), a read-only standby after a failover (25006).
     */
    UNAVAILABLE,
    /**
     * The database refuses a value the request carried: a data exception (class 22: out of range, bad
     * encoding...) or an integrity constraint other than the two below (class 23: not null, check).
     */
    REFUSED_VALUE,
    /** A concurrent request wrote first: unique violation (23505) or a row referenced meanwhile deleted (23503). */
    CONFLICT,
    /** Any other SQL state (syntax, undefined object, internal error...): a defect of the server. */
    DEFECT;

    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "57P01", "57P02", "57P03", "57P04", "57P05", "57014", "55P03", "40001", "40P01", "25006", "58030");

    /** Package prefixes of the pool's own failures (exhausted, timed out, cannot create a connection). */
    private static final String[] POOL_PACKAGES = {
            "jakarta.resource.", "com.sun.appserv.connectors.", "com.sun.enterprise.resource.",
            "com.sun.enterprise.connectors."};

    /** Classifies the first exception in the chain that carries a SQL state or is a pool or connection failure. */
    public static DatabaseFailure of(Throwable thrown) {
        boolean database = false;
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 50; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                database = true;
                if (sql.getSQLState() != null && !sql.getSQLState().isBlank()) {
                    return ofSqlState(sql.getSQLState());
                }
                if (sql instanceof SQLTransientException || sql instanceof SQLNonTransientConnectionException
                        || sql instanceof SQLRecoverableException) {
                    return UNAVAILABLE;
                }
            }
            String type = t.getClass().getName();
            for (String pool : POOL_PACKAGES) {
                if (type.startsWith(pool)) {
                    return UNAVAILABLE;
                }
            }
            if (type.startsWith("jakarta.transaction.") || type.startsWith("org.eclipse.persistence.exceptions.DatabaseException")) {
                database = true;
            }
        }
        // A database exception without a SQL state (a closed pooled connection, a commit that failed when
        // the database went away): nothing says the request was at fault, and a retry may succeed.
        return database ? UNAVAILABLE : NONE;
    }

    /** The meaning of a five-character SQLSTATE (PostgreSQL's codes, Appendix A of its manual). */
    public static DatabaseFailure ofSqlState(String state) {
        if (state.startsWith("08") || state.startsWith("53") || UNAVAILABLE_STATES.contains(state)) {
            return UNAVAILABLE;
        }
        if (state.equals("23505") || state.equals("23503")) {
            return CONFLICT;
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return REFUSED_VALUE;
        }
        return DEFECT;
    }

    /** The SQL state of the first SQLException in the chain that has one, for logs and problem details; null if none. */
    public static String sqlState(Throwable thrown) {
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 50; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && !sql.getSQLState().isBlank()) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
