package io.shm.launcher;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The original SHM server's database, read-only: its schema checked before anything is read, then
 * everything read in one repeatable-read transaction, so applications, instances and snapshots are
 * one consistent picture even while the original server keeps writing.
 */
final class OriginalDatabase implements AutoCloseable {

    /** A refusal of the source: the command exits with 2 and writes nothing. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    record Application(UUID id, String slug, String name, String githubUrl, Integer stars, Instant starsUpdatedAt,
                       String logoUrl, Instant createdAt, Instant updatedAt) {
    }

    record Instance(UUID instanceId, byte[] publicKey, String appName, String appVersion, String deploymentMode,
                    String environment, String osArch, String status, Instant lastSeenAt, Instant createdAt,
                    UUID applicationId) {
    }

    /** An instance's latest snapshot older than the retention window. */
    record Latest(Instant at, String metrics) {
    }

    /** Snapshots in all, older than the cutoff, later than the latest time allowed, and the earliest one in between. */
    record Counts(long total, long older, long future, Instant earliestKept) {
        long inWindow() {
            return total - older - future;
        }
    }

    private static final List<String> INSTANCE_COLUMNS = List.of("instance_id", "public_key", "app_name", "app_version",
            "deployment_mode", "environment", "os_arch", "status", "last_seen_at", "created_at");
    private static final List<String> SNAPSHOT_COLUMNS = List.of("instance_id", "snapshot_at", "data");
    private static final List<String> APPLICATION_COLUMNS = List.of("id", "app_slug", "app_name", "github_url",
            "github_stars", "github_stars_updated_at", "logo_url", "created_at", "updated_at");

    private final Connection connection;
    private final OriginalDsn dsn;

    private OriginalDatabase(Connection connection, OriginalDsn dsn) {
        this.connection = connection;
        this.dsn = dsn;
    }

    /** Connects and checks that this is an SHM server's database with both its migrations applied. */
    static OriginalDatabase open(OriginalDsn dsn) throws Refused {
        Connection connection;
        try {
            connection = DriverManager.getConnection(dsn.jdbcUrl(), dsn.properties());
        } catch (SQLException e) {
            throw new Refused("cannot connect to " + dsn + ": " + firstLine(e.getMessage()));
        }
        OriginalDatabase source = new OriginalDatabase(connection, dsn);
        try {
            source.checkSchema();
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement statement = connection.createStatement()) {
                // COPY writes times as text: in UTC and ISO form, whatever the database's defaults.
                statement.execute("SET TIME ZONE 'UTC'");
                statement.execute("SET DateStyle = 'ISO, YMD'");
            }
            return source;
        } catch (SQLException e) {
            source.close();
            throw new Refused("cannot read " + dsn + ": " + firstLine(e.getMessage()));
        } catch (Refused e) {
            source.close();
            throw e;
        }
    }

    private void checkSchema() throws SQLException, Refused {
        Map<String, Set<String>> columns = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 WHERE c.oid IN (to_regclass('applications'), to_regclass('instances'), to_regclass('snapshots'))
                   AND a.attnum > 0 AND NOT a.attisdropped""");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                columns.computeIfAbsent(rows.getString(1), table -> new HashSet<>()).add(rows.getString(2));
            }
        }
        if (!columns.getOrDefault("instances", Set.of()).containsAll(INSTANCE_COLUMNS)
                || !columns.getOrDefault("snapshots", Set.of()).containsAll(SNAPSHOT_COLUMNS)) {
            throw new Refused(dsn + " is not an SHM database: it has no instances and snapshots tables of the SHM server");
        }
        if (!columns.containsKey("applications")) {
            throw new Refused(dsn + " is a half-migrated SHM database: it has no applications table"
                    + " (start the SHM server on it once to finish its migrations)");
        }
        if (!columns.get("applications").containsAll(APPLICATION_COLUMNS)
                || !columns.get("instances").contains("application_id")) {
            throw new Refused(dsn + " is a half-migrated SHM database: its applications table or instances.application_id"
                    + " is not as the SHM server makes them");
        }
    }

    List<Application> applications() throws SQLException {
        List<Application> applications = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + String.join(", ", APPLICATION_COLUMNS)
                     + " FROM applications ORDER BY created_at, id")) {
            while (rows.next()) {
                applications.add(new Application(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3),
                        rows.getString(4), (Integer) rows.getObject(5), instant(rows, 6), rows.getString(7),
                        instant(rows, 8), instant(rows, 9)));
            }
        }
        return applications;
    }

    List<Instance> instances() throws SQLException {
        List<Instance> instances = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + String.join(", ", INSTANCE_COLUMNS)
                     + ", application_id FROM instances ORDER BY created_at, instance_id")) {
            while (rows.next()) {
                instances.add(new Instance(rows.getObject(1, UUID.class), rows.getBytes(2), rows.getString(3),
                        rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7), rows.getString(8),
                        instant(rows, 9), instant(rows, 10), rows.getObject(11, UUID.class)));
            }
        }
        return instances;
    }

    Counts counts(Instant cutoff, Instant latestAllowed) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT count(*), count(*) FILTER (WHERE snapshot_at < ?), count(*) FILTER (WHERE snapshot_at > ?),
                       min(snapshot_at) FILTER (WHERE snapshot_at >= ? AND snapshot_at <= ?)
                  FROM snapshots""")) {
            statement.setObject(1, utc(cutoff));
            statement.setObject(2, utc(latestAllowed));
            statement.setObject(3, utc(cutoff));
            statement.setObject(4, utc(latestAllowed));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new Counts(row.getLong(1), row.getLong(2), row.getLong(3), instant(row, 4));
            }
        }
    }

    /**
     * Each instance's latest snapshot before the cutoff: the base its current values are merged
     * onto, as this server would hold them had it received every snapshot.
     */
    Map<UUID, Latest> latestBefore(Instant cutoff) throws SQLException {
        Map<UUID, Latest> latest = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT DISTINCT ON (instance_id) instance_id, snapshot_at, data::text FROM snapshots
                 WHERE snapshot_at < ? AND jsonb_typeof(data) = 'object'
                 ORDER BY instance_id, snapshot_at DESC, id DESC""")) {
            statement.setObject(1, utc(cutoff));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    latest.put(rows.getObject(1, UUID.class), new Latest(instant(rows, 2), rows.getString(3)));
                }
            }
        }
        return latest;
    }

    /**
     * The snapshots from the cutoff to the latest time allowed, as COPY text rows
     * {@code id, instance_id, snapshot_at, data}, in no particular order (sorting them here would cost
     * the source a sort of all of them before the first row): those this server could
     * store (a JSON object whose keys and string values fit its rollups: keys of at most 128
     * characters, string values of at most 1,024).
     */
    CopyOut copySnapshots(Instant cutoff, Instant latestAllowed) throws SQLException {
        String sql = "COPY (SELECT id, instance_id, snapshot_at, data FROM snapshots"
                + " WHERE snapshot_at >= '" + cutoff + "' AND snapshot_at <= '" + latestAllowed + "'"
                + " AND jsonb_typeof(data) = 'object'"
                + " AND NOT EXISTS (SELECT 1 FROM jsonb_each(data) kv WHERE length(kv.key) > " + OriginalValues.MAX_KEY_LENGTH
                + " OR (jsonb_typeof(kv.value) = 'string' AND length(kv.value #>> '{}') > " + OriginalValues.MAX_STRING_LENGTH + "))"
                + ") TO STDOUT";
        return connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(java.time.ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // read-only: nothing to undo
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
