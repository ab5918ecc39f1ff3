package io.shm.monitoring.boundary;

import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Database work on behalf of a JMX client. A failure reaches the client as an
 * {@link IllegalStateException} with the SQL state and no cause: the driver's exception classes are
 * not on a JMX client's class path, so jconsole would show a failure to unmarshal instead of the
 * reason. The server log keeps the driver's message.
 */
final class DatabaseCalls {

    @FunctionalInterface
    interface Call<T> {
        T run() throws SQLException;
    }

    private DatabaseCalls() {
    }

    /** @param what what failed, for the log and the client: "counting instances" */
    static <T> T call(Logger log, String what, Call<T> call) {
        try {
            return call.run();
        } catch (SQLException e) {
            log.warning(() -> "JMX: " + what + " failed on the database (SQL state " + e.getSQLState() + "): " + e.getMessage());
            throw new IllegalStateException(what + " failed on the database (SQL state " + e.getSQLState()
                    + "); the server log says more");
        }
    }
}
