package io.shm.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.persistence.control.SchemaMigrationAccess;
import io.shm.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The Liquibase changelog on a real PostgreSQL: from empty, again without change, and from two nodes at once. */
class SchemaMigrationIT {

    private static DataSource freshDatabase() {
        String name = "migration_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase.get().createDatabase(name);
        return TestDatabase.get().dataSource(name);
    }

    @Test
    void appliesToAnEmptyDatabaseThenAgainWithoutChange() throws Exception {
        DataSource database = freshDatabase();
        try (Connection connection = database.getConnection()) {
            SchemaMigrationAccess.update(connection);
            List<String> tables = strings(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
            assertTrue(tables.containsAll(List.of("application", "instance", "snapshot")), tables.toString());
            assertEquals(List.of("snapshot"), strings(connection, "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"));
            List<String> partitions = partitions(connection);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            for (int i = -1; i <= 14; i++) {
                String expected = "snapshot_" + today.plusDays(i).format(DAILY);
                assertTrue(partitions.contains(expected), expected + " in " + partitions);
            }
            assertTrue(partitions.stream().noneMatch(name -> name.startsWith("snapshot_y")), "empty monthly partitions dropped: " + partitions);
            long changeSets = number(connection, "SELECT count(*) FROM databasechangelog");

            SchemaMigrationAccess.update(connection);

            assertEquals(changeSets, number(connection, "SELECT count(*) FROM databasechangelog"));
            assertEquals(partitions, partitions(connection));
            assertEquals(0, number(connection, "SELECT shm_ensure_snapshot_partitions(1, 3)"), "nothing left to create");
        }
    }

    @Test
    void aDatabaseOnThisChangelogSkipsLiquibaseAndStillGetsItsPartitions() throws Exception {
        DataSource database = freshDatabase();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            assertTrue(SchemaMigrationAccess.update(connection), "an empty database: Liquibase runs");
            String liquibaseRan = strings(connection, "SELECT dateexecuted::text FROM databasechangelog"
                    + " WHERE id = '003-ensure-daily-partitions-at-deployment'").get(0);
            String lastDay = "snapshot_" + LocalDate.now(ZoneOffset.UTC).plusDays(14).format(DAILY);
            statement.execute("DROP TABLE " + lastDay);

            assertFalse(SchemaMigrationAccess.update(connection), "the changelog last applied: Liquibase is not needed");
            assertEquals(liquibaseRan, strings(connection, "SELECT dateexecuted::text FROM databasechangelog"
                    + " WHERE id = '003-ensure-daily-partitions-at-deployment'").get(0), "Liquibase did not run again");
            assertTrue(partitions(connection).contains(lastDay), "the every-deployment change sets ran without it");

            statement.execute("UPDATE schema_digest SET digest = 'another changelog'");
            assertTrue(SchemaMigrationAccess.update(connection), "another changelog: Liquibase runs");
            assertEquals(1, number(connection, "SELECT count(*) FROM schema_digest WHERE digest <> 'another changelog'"),
                    "and records this one");
        }
    }

    @Test
    void twoNodesMigratingAtOnceTakeTurns() throws Exception {
        DataSource database = freshDatabase();
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(nodes.submit(() -> {
                    try (Connection connection = database.getConnection()) {
                        SchemaMigrationAccess.update(connection);
                    }
                    return null;
                }));
            }
            for (Future<Void> run : runs) {
                run.get();
            }
        } finally {
            nodes.shutdownNow();
        }
        try (Connection connection = database.getConnection()) {
            assertEquals(number(connection, "SELECT count(DISTINCT id) FROM databasechangelog"),
                    number(connection, "SELECT count(*) FROM databasechangelog"), "each change set applied once");
            assertEquals(0, number(connection, "SELECT count(*) FROM databasechangeloglock WHERE locked"));
        }
    }

    @Test
    void snapshotsLandInTheirDaysPartition() throws Exception {
        DataSource database = freshDatabase();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            SchemaMigrationAccess.update(connection);
            statement.execute("INSERT INTO application (slug, name, created_at, updated_at) VALUES ('a', 'A', now(), now())");
            statement.execute("INSERT INTO instance (instance_id, public_key, application_id, app_version, status, first_seen, last_seen)"
                    + " VALUES (gen_random_uuid(), decode(repeat('ab', 32), 'hex'), 1, '1', 'ACTIVE', now(), now())");
            statement.execute("INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics) VALUES (1, now(), now(), '{}')");
            String partition = strings(connection, "SELECT tableoid::regclass::text FROM snapshot").get(0);
            String expected = "snapshot_" + LocalDate.now(ZoneOffset.UTC).format(DAILY);
            assertEquals(expected, partition);
        }
    }

    @Test
    void partitionsEndingBeforeTheCutoffAreDroppedAndNoOthers() throws Exception {
        DataSource database = freshDatabase();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            SchemaMigrationAccess.update(connection);
            statement.execute("SELECT shm_ensure_snapshot_partitions(10, 0)");
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            String cutoff = today.minusDays(5) + "T00:00:00Z";

            List<String> dropped = strings(connection, "SELECT unnest(shm_drop_snapshot_partitions_before('" + cutoff + "'))");

            List<String> expected = new ArrayList<>();
            for (int i = 10; i > 5; i--) {
                expected.add("snapshot_" + today.minusDays(i).format(DAILY));
            }
            assertEquals(expected, dropped, "the day before the cutoff ends exactly at it, so it goes too");
            assertTrue(partitions(connection).contains("snapshot_" + today.minusDays(5).format(DAILY)));
        }
    }

    private static final DateTimeFormatter DAILY = DateTimeFormatter.ofPattern("'d'yyyyMMdd");

    private static List<String> partitions(Connection connection) throws Exception {
        return strings(connection, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 'snapshot'::regclass AND c.relkind = 'r' ORDER BY 1");
    }

    private static List<String> strings(Connection connection, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static long number(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
