package io.shm.instance.control;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.Rollups;
import io.shm.application.control.ApplicationDirectory;
import io.shm.instance.entity.StatusFilter;
import io.shm.persistence.control.Jdbc;
import io.shm.persistence.control.Rows;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Instances as the admin API and the dashboard list them: one page at a time, filtered, searched and
 * sorted by the database, with each instance's current metrics from its own row.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.NOT_SUPPORTED)
public class InstanceDirectory {

    public static final int MAX_PAGE = 500;
    static final int MAX_HISTORY = 1000;
    static final int EXPORT_FETCH = 500;

    /** Sortable columns, by the name the API uses. */
    public static final Map<String, String> SORTS = Map.of(
            "last_seen_at", "i.last_seen",
            "first_seen_at", "i.first_seen",
            "app_version", "i.app_version",
            "app_name", "a.name",
            "status", "i.status",
            "environment", "i.environment",
            "instance_id", "i.instance_id");

    /** What a page shows; {@code status} null for every status. */
    public record Filter(String application, String search, StatusFilter status, String sort, boolean descending) {
    }

    /**
     * One instance as lists and exports show it. Its current metrics are the UTF-8 bytes of the JSON
     * text PostgreSQL keeps for them, as the driver received them: an export copies them to the answer
     * without decoding and encoding them again.
     */
    public record Summary(UUID instanceId, String appSlug, String appName, String appVersion, String deploymentMode,
                          String environment, String osArch, String status, boolean active, Instant firstSeen,
                          Instant lastSeen, Instant lastSnapshotAt, byte[] metricsUtf8) {

        public String metricsJson() {
            return new String(metricsUtf8, StandardCharsets.UTF_8);
        }
    }

    public record Page(List<Summary> instances, long total) {
    }

    public record Detail(Summary summary, String pendingAppVersion, String pendingDeploymentMode,
                         String pendingEnvironment, String pendingOsArch) {
    }

    public record HistoryEntry(Instant receivedAt, Instant timestamp, String metricsJson) {
    }

    static final String COLUMNS = "i.instance_id, a.slug, a.name, i.app_version, i.deployment_mode, i.environment,"
            + " i.os_arch, i.status, i.first_seen, i.last_seen, i.last_snapshot_at, i.metrics_text";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    public Page page(Filter filter, int offset, int limit) throws SQLException {
        Where where = where(filter);
        String order = SORTS.getOrDefault(filter.sort() == null ? "last_seen_at" : filter.sort(), "i.last_seen")
                + (filter.descending() ? " DESC NULLS LAST" : " ASC NULLS FIRST") + ", i.id";
        List<Summary> rows = new ArrayList<>();
        long total;
        try (Connection connection = dataSource.getConnection()) {
            // The page's ids first, sorting narrow rows; the wide columns only for the rows shown.
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM (SELECT i.id FROM instance i JOIN application a ON a.id = i.application_id" + where.sql
                    + " ORDER BY " + order + " OFFSET ? LIMIT ?) page"
                    + " JOIN instance i ON i.id = page.id JOIN application a ON a.id = i.application_id"
                    + " ORDER BY " + order)) {
                int p = where.bind(statement, 1);
                statement.setInt(p++, offset);
                statement.setInt(p, limit);
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        rows.add(summary(row));
                    }
                }
            }
            total = count(connection, where);
        }
        return new Page(rows, total);
    }

    /** How many instances the filter selects. */
    public long count(Filter filter) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return count(connection, where(filter));
        }
    }

    private static long count(Connection connection, Where where) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM instance i JOIN application a ON a.id = i.application_id" + where.sql)) {
            where.bind(statement, 1);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Streams every instance the filter selects, in a server-side cursor: memory stays flat whatever the count. */
    public void each(Filter filter, Consumer<Summary> consumer) throws SQLException {
        Where where = where(filter);
        // A cursor lives in a transaction.
        Jdbc.inTransaction(dataSource, connection -> {
            // A cursor, not a plain query: planned for its first rows, it walks the primary key in order
            // and the first row leaves at once. A plain query sorts every row, metrics text included,
            // before the first leaves (on disk, at 10,000 instances).
            try (PreparedStatement declare = connection.prepareStatement("DECLARE instance_export NO SCROLL CURSOR FOR SELECT "
                    + COLUMNS + " FROM instance i JOIN application a ON a.id = i.application_id" + where.sql + " ORDER BY i.id")) {
                where.bind(declare, 1);
                declare.execute();
            }
            try (PreparedStatement fetch = connection.prepareStatement("FETCH FORWARD " + EXPORT_FETCH + " FROM instance_export")) {
                int fetched;
                do {
                    fetched = 0;
                    try (ResultSet row = fetch.executeQuery()) {
                        while (row.next()) {
                            fetched++;
                            consumer.accept(summary(row));
                        }
                    }
                } while (fetched == EXPORT_FETCH);
            }
            return null;
        });
    }

    /**
     * The metric keys the selected instances have now, sorted: the columns of an export. A selection by
     * application at most takes its keys from {@code metric_key}, which the rollup job rebuilds every
     * minute, plus those of the instances seen since it did (a look-back covers snapshots committed
     * while it ran): a few rows instead of every key of every instance. A key whose last instance went
     * since then stays as an empty column until the next run. A selection by search or status, or one
     * the job has not catalogued yet, reads the keys of exactly the selected instances.
     */
    public List<String> keys(Filter filter) throws SQLException {
        Where where = where(filter);
        boolean byApplicationAtMost = (filter.search() == null || filter.search().isBlank()) && filter.status() == null;
        List<String> keys = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            Optional<Instant> catalogued = byApplicationAtMost ? cataloguedAt(connection) : Optional.empty();
            String sql = catalogued.isPresent()
                    ? "SELECT k.metric_key FROM metric_key k JOIN application a ON a.id = k.application_id" + where.sql
                      + " UNION SELECT jsonb_object_keys(i.metrics) FROM instance i JOIN application a ON a.id = i.application_id"
                      + where.sql + " AND i.last_seen >= ? ORDER BY 1"
                    : "SELECT k FROM (SELECT jsonb_object_keys(i.metrics) AS k FROM instance i JOIN application a"
                      + " ON a.id = i.application_id" + where.sql + ") keys GROUP BY k ORDER BY k";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int p = where.bind(statement, 1);
                if (catalogued.isPresent()) {
                    p = where.bind(statement, p);
                    statement.setObject(p, catalogued.get().minus(Rollups.LOOKBACK).atOffset(ZoneOffset.UTC));
                }
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        keys.add(row.getString(1));
                    }
                }
            }
        }
        return keys;
    }

    /** When the rollup job last rebuilt {@code metric_key}, if it ever did. */
    private static Optional<Instant> cataloguedAt(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT computed_at FROM metric_key_state")) {
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(Rows.instant(row, 1)) : Optional.empty();
            }
        }
    }

    public Optional<Detail> detail(UUID instanceId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
                     + ", i.pending_app_version, i.pending_deployment_mode, i.pending_environment, i.pending_os_arch"
                     + " FROM instance i JOIN application a ON a.id = i.application_id WHERE i.instance_id = ?")) {
            statement.setObject(1, instanceId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Detail(summary(row), row.getString(13), row.getString(14), row.getString(15),
                        row.getString(16)));
            }
        }
    }

    /** The instance's snapshots received before {@code before}, newest first. */
    public List<HistoryEntry> history(UUID instanceId, Instant before, int limit) throws SQLException {
        List<HistoryEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT s.received_at, s.client_timestamp, s.metrics::text
                       FROM snapshot s JOIN instance i ON i.id = s.instance_id
                      WHERE i.instance_id = ? AND s.received_at < ?
                      ORDER BY s.received_at DESC LIMIT ?""")) {
            statement.setObject(1, instanceId);
            statement.setObject(2, before.atOffset(ZoneOffset.UTC));
            statement.setInt(3, Math.min(limit, MAX_HISTORY));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    entries.add(new HistoryEntry(Rows.instant(row, 1), Rows.instant(row, 2), row.getString(3)));
                }
            }
        }
        return entries;
    }

    /** One change of an instance's metadata: before and after, when, and how it was authorised. */
    public record MetadataChange(Instant changedAt, String source, String oldAppVersion, String newAppVersion,
                                 String oldDeploymentMode, String newDeploymentMode, String oldEnvironment,
                                 String newEnvironment, String oldOsArch, String newOsArch) implements java.io.Serializable {
    }

    /** The changes of the instance's metadata, newest first, at most {@code limit}. */
    public List<MetadataChange> metadataHistory(UUID instanceId, int limit) throws SQLException {
        List<MetadataChange> changes = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT c.changed_at, c.source, c.old_app_version, c.new_app_version, c.old_deployment_mode,
                            c.new_deployment_mode, c.old_environment, c.new_environment, c.old_os_arch, c.new_os_arch
                       FROM instance_metadata_change c JOIN instance i ON i.id = c.instance_id
                      WHERE i.instance_id = ?
                      ORDER BY c.changed_at DESC, c.id DESC LIMIT ?""")) {
            statement.setObject(1, instanceId);
            statement.setInt(2, Math.min(limit, MAX_HISTORY));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    changes.add(new MetadataChange(Rows.instant(row, 1), row.getString(2), row.getString(3),
                            row.getString(4), row.getString(5), row.getString(6), row.getString(7), row.getString(8),
                            row.getString(9), row.getString(10)));
                }
            }
        }
        return changes;
    }

    /**
     * The instance's last values in each of its latest {@code hours} hours, newest first, from its
     * hourly buckets rather than its raw snapshots: one index range, however many snapshots it sent.
     */
    public List<HistoryEntry> hourly(UUID instanceId, int hours) throws SQLException {
        List<HistoryEntry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT b.bucket_start, b.metrics::text
                       FROM instance_bucket b JOIN instance i ON i.id = b.instance_id
                      WHERE i.instance_id = ? AND b.width = 'h'
                      ORDER BY b.bucket_start DESC LIMIT ?""")) {
            statement.setObject(1, instanceId);
            statement.setInt(2, Math.min(hours, MAX_HISTORY));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    entries.add(new HistoryEntry(Rows.instant(row, 1), Rows.instant(row, 1), row.getString(2)));
                }
            }
        }
        return entries;
    }

    private Summary summary(ResultSet row) throws SQLException {
        String status = row.getString(8).toLowerCase(Locale.ROOT);
        Instant lastSeen = Rows.instant(row, 10);
        boolean active = "active".equals(status) && !lastSeen.isBefore(window.activeSince());
        return new Summary(Rows.uuid(row, 1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getString(7), status, active, Rows.instant(row, 9), lastSeen,
                Rows.instant(row, 11), row.getBytes(12));
    }

    private Where where(Filter filter) {
        StringBuilder sql = new StringBuilder(" WHERE TRUE");
        List<Object> values = new ArrayList<>();
        if (filter.application() != null && !filter.application().isBlank()) {
            sql.append(" AND a.id = (").append(ApplicationDirectory.ID_NAMED).append(')');
            values.addAll(ApplicationDirectory.parameters(filter.application()));
        }
        if (filter.search() != null && !filter.search().isBlank()) {
            sql.append(" AND (i.instance_id::text ILIKE ? ESCAPE '\\' OR i.app_version ILIKE ? ESCAPE '\\'"
                    + " OR i.environment ILIKE ? ESCAPE '\\' OR i.deployment_mode ILIKE ? ESCAPE '\\'"
                    + " OR i.os_arch ILIKE ? ESCAPE '\\' OR a.name ILIKE ? ESCAPE '\\')");
            String pattern = "%" + filter.search().strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            for (int i = 0; i < 6; i++) {
                values.add(pattern);
            }
        }
        if (filter.status() != null) {
            OffsetDateTime since = window.activeSince().atOffset(ZoneOffset.UTC);
            switch (filter.status()) {
                case ACTIVE -> {
                    sql.append(" AND ").append(ActiveWindow.ACTIVE);
                    values.add(since);
                }
                case INACTIVE -> {
                    sql.append(" AND ").append(ActiveWindow.INACTIVE);
                    values.add(since);
                }
                case PENDING -> sql.append(" AND i.status = 'PENDING'");
                case REVOKED -> sql.append(" AND i.status = 'REVOKED'");
            }
        }
        return new Where(sql.toString(), values);
    }

    private record Where(String sql, List<Object> values) {
        int bind(PreparedStatement statement, int first) throws SQLException {
            int p = first;
            for (Object value : values) {
                statement.setObject(p++, value);
            }
            return p;
        }
    }
}
