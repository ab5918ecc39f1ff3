package io.shm.persistence.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * What to do with a pooled connection whose statement failed because the connection itself is gone,
 * as after a PostgreSQL restart: abort it, so that the pool destroys it instead of handing it out
 * again. The pool validates a connection at most once a second (a check on every checkout cost the
 * ingest path a round trip per snapshot); within that second a dead connection would otherwise be
 * handed out once more.
 */
public final class BrokenConnections {

    /**
     * PostgreSQL's SQL states that say the session is over: class 08 (connection exception) and the
     * server shutting down or restarting (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
     * cannot_connect_now).
     */
    private static final Set<String> SESSION_OVER = Set.of("57P01", "57P02", "57P03");

    private BrokenConnections() {
    }

    /** Whether {@code failure} (or an exception chained to it) says the connection cannot be used again. */
    public static boolean isBroken(SQLException failure) {
        for (SQLException e = failure; e != null; e = e.getNextException()) {
            String state = e.getSQLState();
            if (state != null && (state.startsWith("08") || SESSION_OVER.contains(state))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Aborts {@code connection} when {@code failure} says it is broken; the caller still closes it
     * (closing an aborted connection does nothing). Never throws: the failure being handled is the one
     * that matters.
     *
     * @return whether the connection was broken and aborted
     */
    public static boolean discardIfBroken(Connection connection, SQLException failure) {
        if (!isBroken(failure)) {
            return false;
        }
        try {
            // Runs on the calling thread: there is nothing left to wait for on a dead socket.
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        return true;
    }
}
