package io.shm.persistence.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class BrokenConnectionsTest {

    @Test
    void connectionExceptionsAndShutdownsMeanTheSessionIsOver() {
        // pgjdbc: I/O error (08006), connection closed (08003), refused (08001); PostgreSQL: shutdowns.
        for (String state : new String[] {"08006", "08003", "08001", "57P01", "57P02", "57P03"}) {
            assertTrue(BrokenConnections.isBroken(new SQLException("gone", state)), state);
        }
    }

    @Test
    void statementErrorsLeaveTheConnectionUsable() {
        // unique violation, serialization failure, query canceled (statement timeout), no state at all
        for (String state : new String[] {"23505", "40001", "57014", null}) {
            assertFalse(BrokenConnections.isBroken(new SQLException("refused", state)), String.valueOf(state));
        }
    }

    @Test
    void aChainedConnectionExceptionCounts() {
        SQLException batch = new SQLException("batch failed", "XX000");
        batch.setNextException(new SQLException("I/O error", "08006"));
        assertTrue(BrokenConnections.isBroken(batch));
    }
}
