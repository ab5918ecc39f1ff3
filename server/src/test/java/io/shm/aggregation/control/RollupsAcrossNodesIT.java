package io.shm.aggregation.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.persistence.control.SchemaMigrationAccess;
import io.shm.testing.MutableClock;
import io.shm.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rollup job as two nodes of a cluster run it, on a database of its own: the node whose clock
 * runs ahead records its coverage by the database's clock, and a node skips its run while another
 * holds the job's lease.
 */
class RollupsAcrossNodesIT {

    private static DataSource database;

    @BeforeAll
    static void migratedDatabase() throws Exception {
        String name = "rollups_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase.get().createDatabase(name);
        database = TestDatabase.get().dataSource(name);
        try (Connection connection = database.getConnection()) {
            SchemaMigrationAccess.update(connection);
        }
    }

    @Test
    void aNodeWhoseClockRunsAheadDoesNotMoveCoverageIntoTheFuture() throws Exception {
        Rollups ahead = node(new MutableClock(Instant.now().plus(Duration.ofDays(10))));

        assertTrue(ahead.refresh().isPresent());

        Instant covered = instant("SELECT covered_until FROM rollup_coverage WHERE id = 1");
        Instant databaseNow = instant("SELECT now()");
        assertFalse(covered.isAfter(databaseNow), covered + " is not after the database's " + databaseNow);
        assertTrue(covered.isAfter(databaseNow.minus(Duration.ofMinutes(5))), covered + " is this run's start");
    }

    @Test
    void aNodeSkipsTheRunWhileAnotherHoldsTheLeaseAndRunsOnceItIsReleased() throws Exception {
        Rollups node = node(new MutableClock(Instant.now()));
        try (Connection other = database.getConnection()) {
            advisory(other, "pg_advisory_lock");

            assertEquals(OptionalInt.empty(), node.refresh(), "skipped while another node holds the job");
            assertEquals(Optional.empty(), node.refreshSince(Instant.EPOCH));

            advisory(other, "pg_advisory_unlock");
        }
        assertTrue(node.refresh().isPresent(), "runs once the lease is free");
        assertEquals(0, count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND classid = " + (Rollups.LEASE_KEY >>> 32) + " AND objid = " + (Rollups.LEASE_KEY & 0xffffffffL)),
                "the lease is released after the run");
    }

    private static Rollups node(MutableClock clock) {
        ActiveWindow window = new ActiveWindow();
        window.clock = clock;
        window.days = 30;
        Rollups rollups = new Rollups();
        rollups.dataSource = database;
        rollups.window = window;
        rollups.maxKeysPerApp = 2000;
        rollups.log = Logger.getLogger(Rollups.class.getName());
        return rollups;
    }

    private static void advisory(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, Rollups.LEASE_KEY);
            statement.executeQuery().close();
        }
    }

    private static Instant instant(String sql) throws SQLException {
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            assertTrue(row.next(), sql);
            return row.getTimestamp(1).toInstant();
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
