package io.shm.retention.control;

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
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention as the nodes of a cluster run it, on a database of its own: one node at a time, and a
 * partition that a long reader holds is kept for the next run instead of stalling the inserts.
 */
class RetentionAcrossNodesIT {

    private static final String EXPIRED = "snapshot_d20000101";

    private static DataSource database;

    @BeforeAll
    static void migratedDatabase() throws Exception {
        String name = "retention_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase.get().createDatabase(name);
        database = TestDatabase.get().dataSource(name);
        try (Connection connection = database.getConnection()) {
            SchemaMigrationAccess.update(connection);
        }
    }

    @Test
    void aNodeSkipsTheRunWhileAnotherHoldsTheLease() throws Exception {
        Retention node = node();
        try (Connection other = database.getConnection()) {
            advisory(other, "pg_advisory_lock");

            Retention.Run skipped = node.purgeNow();

            assertTrue(skipped.skipped());
            advisory(other, "pg_advisory_unlock");
        }
        assertFalse(node.purgeNow().skipped(), "runs once the lease is free");
    }

    @Test
    void aPartitionHeldByALongReaderIsKeptForTheNextRunWhileInsertsGoOn() throws Exception {
        execute("CREATE TABLE " + EXPIRED + " PARTITION OF snapshot FOR VALUES FROM ('2000-01-01 00:00:00+00') TO ('2000-01-02 00:00:00+00')");
        long instance = instance();
        Retention node = node();
        try (Connection reader = database.getConnection()) {
            reader.setAutoCommit(false);
            try (Statement read = reader.createStatement()) {
                read.executeQuery("SELECT count(*) FROM " + EXPIRED).close();
            }
            CompletableFuture<Retention.Run> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return node.purgeNow();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // While the drop waits for its lock, and after it gave up: inserts into today's partition go through.
            insertSnapshot(instance);
            Retention.Run blocked = run.get(60, TimeUnit.SECONDS);
            insertSnapshot(instance);

            assertFalse(blocked.skipped());
            assertEquals(List.of(EXPIRED), blocked.keptPartitions(), "kept for the next run");
            assertFalse(blocked.droppedPartitions().contains(EXPIRED));
            assertTrue(exists(EXPIRED));
            reader.commit();
        }

        Retention.Run next = node.purgeNow();

        assertEquals(List.of(EXPIRED), next.droppedPartitions());
        assertEquals(List.of(), next.keptPartitions());
        assertFalse(exists(EXPIRED));
    }

    private static Retention node() {
        Retention retention = new Retention();
        retention.dataSource = database;
        retention.clock = new MutableClock(Instant.now());
        retention.log = Logger.getLogger(Retention.class.getName());
        retention.setDays(90);
        return retention;
    }

    private static long instance() throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO application (slug, name, created_at, updated_at) VALUES ('retention', 'Retention', now(), now())");
            try (ResultSet row = statement.executeQuery("""
                    INSERT INTO instance (instance_id, public_key, application_id, app_version, status, first_seen, last_seen)
                    SELECT gen_random_uuid(), decode(repeat('00', 32), 'hex'), id, '1.0', 'ACTIVE', now(), now()
                      FROM application WHERE slug = 'retention'
                    RETURNING id""")) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static void insertSnapshot(long instance) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics) VALUES (?, now(), now(), '{}')")) {
            statement.setLong(1, instance);
            assertEquals(1, statement.executeUpdate());
        }
    }

    private static boolean exists(String table) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static void advisory(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, Retention.LEASE_KEY);
            statement.executeQuery().close();
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
