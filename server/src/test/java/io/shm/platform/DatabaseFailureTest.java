package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseFailureTest {

    @ParameterizedTest(name = "{0} ({2}) is {1}")
    @CsvSource({
            "08001, UNAVAILABLE, sqlclient_unable_to_establish_sqlconnection",
            "08003, UNAVAILABLE, connection_does_not_exist",
            "08006, UNAVAILABLE, connection_failure",
            "57P01, UNAVAILABLE, admin_shutdown",
            "57P02, UNAVAILABLE, crash_shutdown",
            "57P03, UNAVAILABLE, cannot_connect_now",
            "53300, UNAVAILABLE, too_many_connections",
            "53100, UNAVAILABLE, disk_full",
            "57014, UNAVAILABLE, query_canceled",
            "55P03, UNAVAILABLE, lock_not_available",
            "40001, UNAVAILABLE, serialization_failure",
            "40P01, UNAVAILABLE, deadlock_detected",
            "25006, UNAVAILABLE, read_only_sql_transaction",
            "22008, REFUSED_VALUE, datetime_field_overflow",
            "22P05, REFUSED_VALUE, untranslatable_character",
            "22021, REFUSED_VALUE, character_not_in_repertoire",
            "22001, REFUSED_VALUE, string_data_right_truncation",
            "22003, REFUSED_VALUE, numeric_value_out_of_range",
            "23502, REFUSED_VALUE, not_null_violation",
            "23514, REFUSED_VALUE, check_violation",
            "23505, CONFLICT, unique_violation",
            "23503, CONFLICT, foreign_key_violation",
            "42P01, DEFECT, undefined_table",
            "42601, DEFECT, syntax_error",
            "42883, DEFECT, undefined_function",
            "XX000, DEFECT, internal_error",
            "0A000, DEFECT, feature_not_supported",
    })
    void aSqlStateHasOneMeaning(String state, DatabaseFailure expected, String name) {
        assertEquals(expected, DatabaseFailure.ofSqlState(state), name);
        assertEquals(expected, DatabaseFailure.of(new SQLException(name, state)), name);
    }

    @Test
    void theStateIsFoundWhereJpaAndEclipseLinkWrapIt() {
        SQLException driver = new SQLException("ERROR: duplicate key value violates unique constraint", "23505");
        RuntimeException eclipseLink = new RuntimeException("Internal Exception: " + driver.getMessage(), driver);
        PersistenceException jpa = new PersistenceException("Exception [EclipseLink-4002]", eclipseLink);

        assertEquals(DatabaseFailure.CONFLICT, DatabaseFailure.of(new IllegalStateException("token lookup failed", jpa)));
        assertEquals("23505", DatabaseFailure.sqlState(jpa));
    }

    @Test
    void aWrapperWithoutStateLetsTheDriversStateDecide() {
        SQLException pooled = new SQLException("wrapped by the pool", null, new SQLException("ERROR: timestamp out of range", "22008"));

        assertEquals(DatabaseFailure.REFUSED_VALUE, DatabaseFailure.of(pooled));
    }

    @Test
    void transientAndConnectionExceptionsWithoutStateAreAnOutage() {
        assertEquals(DatabaseFailure.UNAVAILABLE, DatabaseFailure.of(new SQLTransientConnectionException("pool timed out")));
        assertEquals(DatabaseFailure.UNAVAILABLE, DatabaseFailure.of(new SQLNonTransientConnectionException("closed")));
        assertEquals(DatabaseFailure.UNAVAILABLE, DatabaseFailure.of(new SQLException("Connection closed")));
    }

    @Test
    void thePoolsOwnFailuresAreAnOutage() {
        // What Payara's pool throws when every connection is in use past max-wait-time-in-millis.
        Exception exhausted = new jakarta.resource.spi.ResourceAllocationException(
                "In-use connections equal max-pool-size and expected to exceed max-pool-size");
        SQLException allocating = new SQLException("Error in allocating a connection", null, exhausted);

        assertEquals(DatabaseFailure.UNAVAILABLE, DatabaseFailure.of(allocating));
        assertEquals(DatabaseFailure.UNAVAILABLE, DatabaseFailure.of(new IllegalStateException(exhausted)));
    }

    @Test
    void aFailedCommitWithoutStateIsAnOutage() {
        assertEquals(DatabaseFailure.UNAVAILABLE, DatabaseFailure.of(new jakarta.transaction.RollbackException("commit failed")));
    }

    @Test
    void anythingElseIsNoDatabaseFailure() {
        assertEquals(DatabaseFailure.NONE, DatabaseFailure.of(new IllegalStateException("a defect", new NullPointerException())));
    }

    @Test
    void aCauseCycleEnds() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertEquals(DatabaseFailure.NONE, DatabaseFailure.of(first));
    }
}
