package io.shm.launcher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Writes what the original server holds into this server's database, in one transaction: either all
 * of it is there afterwards, or nothing. Every row takes the shape the ingest path gives it
 * (SnapshotStore): the snapshot rows, each instance's current metrics merged in time order with its
 * last accepted snapshot time, and each instance's last values per hour, day and week. The buckets
 * written are marked dirty, so the server's rollup job recomputes them (and the fleet values) on its
 * next run, whether it is running now or starts later.
 *
 * <p>Idempotent by the server's own replay rule: of an instance already here (same id, same key),
 * only snapshots later than its last accepted one are taken; an instance here with another key is a
 * conflict and is left alone.
 */
final class SnapshotImport {

    /** What one run found and did. */
    record Result(int applicationsAdded, int applicationsPresent, int instancesAdded, int instancesPresent,
                  int instancesConflicting, int instancesUnreadableKey, long snapshotsAdded, long snapshotsPresent,
                  long snapshotsOfSkippedInstances, long snapshotsOutsideLimits, long bucketsMarked) {
        boolean nothingNew() {
            return applicationsAdded == 0 && instancesAdded == 0 && snapshotsAdded == 0;
        }
    }

    /** A unit of work that progress lines report on. */
    interface Progress {
        void phase(String name, long total, AtomicLong done);
    }

    /** Snapshots per step (whole instances): small enough for a progress line every few seconds. */
    static final int BATCH = 50_000;

    private static final String SELECTED = """
              FROM import_snapshot s
              JOIN import_instance ii ON ii.instance_id = s.instance_id
             WHERE ii.batch = ?
               AND ii.state IN ('new', 'present')
               AND (ii.accepted_after IS NULL OR s.snapshot_at > ii.accepted_after)""";

    static final String STORE_SNAPSHOTS = """
            INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics)
            SELECT ii.row_id, s.snapshot_at, s.snapshot_at, s.data""" + SELECTED;

    /**
     * In one statement: each instance's last values per hour (its snapshots merged in time order),
     * per day and per week (its hours merged in order), merged onto what a bucket already holds, as
     * the snapshot statement of the ingest path does; the buckets marked for the rollup job; and each
     * instance's current metrics (merged in time order), last seen and last accepted snapshot.
     */
    static final String STORE_BUCKETS_AND_CURRENT = """
            WITH hours AS MATERIALIZED (
                SELECT ii.row_id, date_trunc('hour', s.snapshot_at, 'UTC') AS bucket_start,
                       pg_temp.shm_merge(s.data ORDER BY s.snapshot_at, s.source_id) AS metrics, max(s.snapshot_at) AS latest
            """ + SELECTED + """

                 GROUP BY ii.row_id, date_trunc('hour', s.snapshot_at, 'UTC')),
            buckets AS (
                SELECT row_id, 'h' AS width, bucket_start, metrics, latest FROM hours
                UNION ALL
                SELECT h.row_id, w.width, date_trunc(w.unit, h.bucket_start, 'UTC'),
                       pg_temp.shm_merge(h.metrics ORDER BY h.bucket_start), max(h.latest)
                  FROM hours h CROSS JOIN (VALUES ('d', 'day'), ('w', 'week')) AS w (width, unit)
                 GROUP BY h.row_id, w.width, date_trunc(w.unit, h.bucket_start, 'UTC')),
            written AS (
                INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
                SELECT b.row_id, b.width, b.bucket_start, i.application_id, i.app_version, b.metrics, b.latest
                  FROM buckets b JOIN instance i ON i.id = b.row_id
                ON CONFLICT (instance_id, width, bucket_start) DO UPDATE
                   SET metrics = instance_bucket.metrics || excluded.metrics,
                       app_version = excluded.app_version,
                       updated_at = GREATEST(instance_bucket.updated_at, excluded.updated_at)
                RETURNING application_id, width, bucket_start),
            current AS (
                UPDATE instance i
                   SET metrics = i.metrics || c.merged,
                       metrics_updated_at = GREATEST(i.metrics_updated_at, c.latest),
                       last_seen = GREATEST(i.last_seen, c.latest),
                       last_snapshot_at = GREATEST(i.last_snapshot_at, c.latest)
                  FROM (SELECT row_id, pg_temp.shm_merge(metrics ORDER BY bucket_start) AS merged, max(latest) AS latest
                          FROM hours GROUP BY row_id) c
                 WHERE i.id = c.row_id)
            INSERT INTO rollup_dirty (application_id, width, bucket_start)
            SELECT DISTINCT application_id, width, bucket_start FROM written
            ON CONFLICT DO NOTHING""";

    private final Connection target;
    private final Progress progress;

    SnapshotImport(Connection target, Progress progress) {
        this.target = target;
        this.progress = progress;
    }

    /**
     * Runs the import in one transaction; commits when anything is new, rolls back otherwise (so a
     * second run leaves the database exactly as it was).
     */
    Result run(OriginalDatabase source, OriginalDatabase.Counts counts, Instant cutoff, Instant latestAllowed)
            throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try {
            progress.phase("reading applications and instances", 0, new AtomicLong());
            try (Statement statement = target.createStatement()) {
                // The work tables are temporary: kept in this session's memory rather than spilled to files.
                statement.execute("SET LOCAL temp_buffers = '512MB'");
                statement.execute("SET LOCAL work_mem = '64MB'");
                statement.execute("SET LOCAL maintenance_work_mem = '256MB'");
            }
            skipForeignKeyChecksIfAllowed();
            createWorkTables();
            Staged staged = stage(source.applications(), source.instances(), source.latestBefore(cutoff));
            int applicationsAdded = update("""
                    INSERT INTO application (slug, name, github_url, github_stars, github_stars_updated_at, logo_url,
                                             created_at, updated_at)
                    SELECT slug, name, github_url, github_stars, stars_updated_at, logo_url, created_at, updated_at
                      FROM import_application ORDER BY created_at, slug
                    ON CONFLICT (slug) DO NOTHING""");
            Map<String, Integer> states = resolveInstances();
            long copied = copySnapshots(source, cutoff, latestAllowed, counts.inWindow());
            long[] stored = storeSnapshots(copied);
            Result result = new Result(applicationsAdded, staged.applications() - applicationsAdded,
                    states.getOrDefault("new", 0), states.getOrDefault("present", 0),
                    states.getOrDefault("conflict", 0), staged.unreadableKeys(),
                    stored[0], stored[1], stored[2], counts.inWindow() - copied, stored[3]);
            if (result.nothingNew()) {
                target.rollback();
            } else {
                target.commit();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(autoCommit);
        }
    }

    /**
     * Every row written references an instance row joined in the same statement, so the per-row
     * foreign-key triggers (more than half the time of storing a snapshot) prove nothing here; a
     * superuser (as for the embedded database) may turn them off for this transaction. Others keep them.
     */
    private void skipForeignKeyChecksIfAllowed() throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("SAVEPOINT replication_role");
            try {
                statement.execute("SET LOCAL session_replication_role = replica");
                statement.execute("RELEASE SAVEPOINT replication_role");
            } catch (SQLException notSuperuser) {
                statement.execute("ROLLBACK TO SAVEPOINT replication_role");
            }
        }
    }

    private void createWorkTables() throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("""
                    CREATE TEMPORARY TABLE import_application (
                        slug text PRIMARY KEY, name text NOT NULL, github_url text, github_stars integer,
                        stars_updated_at timestamptz, logo_url text, created_at timestamptz NOT NULL,
                        updated_at timestamptz NOT NULL) ON COMMIT DROP""");
            statement.execute("""
                    CREATE TEMPORARY TABLE import_instance (
                        instance_id uuid PRIMARY KEY, public_key bytea NOT NULL, slug text NOT NULL,
                        app_version text NOT NULL, deployment_mode text, environment text, os_arch text,
                        status text NOT NULL, first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL,
                        base_at timestamptz, base_metrics jsonb,
                        application_id bigint, row_id bigint, state text, accepted_after timestamptz,
                        batch integer, batch_end bigint) ON COMMIT DROP""");
            statement.execute("""
                    CREATE TEMPORARY TABLE import_snapshot (
                        source_id bigint NOT NULL, instance_id uuid NOT NULL,
                        snapshot_at timestamptz NOT NULL, data jsonb NOT NULL) ON COMMIT DROP""");
            // Merges jsonb objects in order, as metrics || metrics does snapshot by snapshot on the ingest path.
            statement.execute("""
                    CREATE AGGREGATE pg_temp.shm_merge(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}')""");
        }
    }

    private record Staged(int applications, int unreadableKeys) {
    }

    private record StagedApplication(String slug, String name, String githubUrl, Integer stars, Instant starsUpdatedAt,
                                     String logoUrl, Instant createdAt, Instant updatedAt) {
    }

    /**
     * The original's applications, and its instances with the application each belongs to: by its
     * application_id, or (when that is null, as for instances registered before applications existed)
     * by the slug of its app_name, making the application if the original has none of that slug.
     */
    private Staged stage(List<OriginalDatabase.Application> applications, List<OriginalDatabase.Instance> instances,
                         Map<UUID, OriginalDatabase.Latest> latest) throws SQLException {
        Instant now = Instant.now();
        Map<UUID, String> slugById = new HashMap<>();
        Map<String, StagedApplication> bySlug = new LinkedHashMap<>();
        for (OriginalDatabase.Application application : applications) {
            String name = OriginalValues.applicationName(application.name());
            String slug = application.slug() == null || application.slug().isBlank()
                    ? OriginalValues.slugOf(name) : OriginalValues.fit(application.slug().strip(), 100);
            slugById.put(application.id(), slug);
            Instant created = firstNonNull(application.createdAt(), now);
            bySlug.putIfAbsent(slug, new StagedApplication(slug, name, OriginalValues.fit(application.githubUrl(), 500),
                    application.stars(), application.starsUpdatedAt(), OriginalValues.fit(application.logoUrl(), 500),
                    created, firstNonNull(application.updatedAt(), created)));
        }
        int unreadableKeys = 0;
        try (PreparedStatement insert = target.prepareStatement("""
                INSERT INTO import_instance (instance_id, public_key, slug, app_version, deployment_mode, environment,
                                             os_arch, status, first_seen, last_seen, base_at, base_metrics)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))""")) {
            int batched = 0;
            for (OriginalDatabase.Instance instance : instances) {
                var key = OriginalValues.publicKey(instance.publicKey());
                if (key.isEmpty()) {
                    unreadableKeys++;
                    continue;
                }
                String slug = instance.applicationId() != null ? slugById.get(instance.applicationId()) : null;
                if (slug == null) {
                    String name = OriginalValues.applicationName(instance.appName());
                    slug = OriginalValues.slugOf(name);
                    Instant created = firstNonNull(instance.createdAt(), now);
                    bySlug.putIfAbsent(slug, new StagedApplication(slug, name, null, null, null, null, created, created));
                }
                OriginalDatabase.Latest base = latest.get(instance.instanceId());
                Instant firstSeen = firstNonNull(instance.createdAt(), instance.lastSeenAt(), now);
                Instant lastSeen = Stream.of(instance.lastSeenAt(), firstSeen, base == null ? null : base.at())
                        .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElseThrow();
                insert.setObject(1, instance.instanceId());
                insert.setBytes(2, key.get());
                insert.setString(3, slug);
                insert.setString(4, OriginalValues.fit(instance.appVersion() == null ? "" : instance.appVersion(), 100));
                insert.setString(5, blankToNull(OriginalValues.fit(instance.deploymentMode(), 100)));
                insert.setString(6, blankToNull(OriginalValues.fit(instance.environment(), 100)));
                insert.setString(7, blankToNull(OriginalValues.fit(instance.osArch(), 100)));
                insert.setString(8, OriginalValues.status(instance.status()));
                insert.setObject(9, utc(firstSeen));
                insert.setObject(10, utc(lastSeen));
                if (base == null) {
                    insert.setNull(11, Types.TIMESTAMP_WITH_TIMEZONE);
                    insert.setNull(12, Types.VARCHAR);
                } else {
                    insert.setObject(11, utc(base.at()));
                    insert.setString(12, base.metrics());
                }
                insert.addBatch();
                if (++batched % 1000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = target.prepareStatement("""
                INSERT INTO import_application (slug, name, github_url, github_stars, stars_updated_at, logo_url,
                                                created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (StagedApplication application : bySlug.values()) {
                insert.setString(1, application.slug());
                insert.setString(2, application.name());
                insert.setString(3, application.githubUrl());
                insert.setObject(4, application.stars(), Types.INTEGER);
                insert.setObject(5, application.starsUpdatedAt() == null ? null : utc(application.starsUpdatedAt()));
                insert.setString(6, application.logoUrl());
                insert.setObject(7, utc(application.createdAt()));
                insert.setObject(8, utc(application.updatedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return new Staged(bySlug.size(), unreadableKeys);
    }

    /**
     * Matches each instance with this server's: the same id and key is already present, the same id
     * with another key a conflict (left as it is), an unknown id is added. Counts per state.
     */
    private Map<String, Integer> resolveInstances() throws SQLException {
        update("UPDATE import_instance ii SET application_id = a.id FROM application a WHERE a.slug = ii.slug");
        update("""
                UPDATE import_instance ii
                   SET row_id = i.id, accepted_after = i.last_snapshot_at,
                       state = CASE WHEN i.public_key = ii.public_key THEN 'present' ELSE 'conflict' END
                  FROM instance i WHERE i.instance_id = ii.instance_id""");
        update("""
                WITH added AS (
                    INSERT INTO instance (instance_id, public_key, application_id, app_version, deployment_mode,
                                          environment, os_arch, status, first_seen, last_seen, last_snapshot_at,
                                          metrics, metrics_updated_at)
                    SELECT instance_id, public_key, application_id, app_version, deployment_mode, environment, os_arch,
                           status, first_seen, last_seen, base_at, COALESCE(base_metrics, '{}'::jsonb), base_at
                      FROM import_instance WHERE row_id IS NULL ORDER BY first_seen, instance_id
                    RETURNING id, instance_id)
                UPDATE import_instance ii SET row_id = added.id, state = 'new', accepted_after = ii.base_at
                  FROM added WHERE added.instance_id = ii.instance_id""");
        Map<String, Integer> states = new HashMap<>();
        try (Statement statement = target.createStatement();
             ResultSet rows = statement.executeQuery("SELECT state, count(*) FROM import_instance GROUP BY state")) {
            while (rows.next()) {
                states.put(rows.getString(1), rows.getInt(2));
            }
        }
        return states;
    }

    /** Streams the original's snapshots into the work table, COPY to COPY, without parsing them here. */
    private long copySnapshots(OriginalDatabase source, Instant cutoff, Instant latestAllowed, long expected)
            throws SQLException {
        AtomicLong done = new AtomicLong();
        progress.phase("copying snapshots", expected, done);
        CopyOut out = source.copySnapshots(cutoff, latestAllowed);
        CopyIn in = target.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY import_snapshot (source_id, instance_id, snapshot_at, data) FROM STDIN");
        try {
            byte[] row;
            while ((row = out.readFromCopy()) != null) {
                in.writeToCopy(row, 0, row.length);
                done.incrementAndGet();
            }
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
            if (out.isActive()) {
                out.cancelCopy();
            }
        }
        progress.phase("indexing the copied snapshots", 0, new AtomicLong());
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE INDEX ON import_snapshot (instance_id)");
            statement.execute("ANALYZE import_snapshot");
            // Whole instances per batch, about BATCH snapshots each: an instance's snapshots are then
            // merged in one statement, in their order, whatever order the source sent them in.
            statement.execute("""
                    UPDATE import_instance ii SET batch = c.batch, batch_end = c.batch_end
                      FROM (SELECT instance_id, (sum(snapshots) OVER w - snapshots) / %d AS batch,
                                   sum(snapshots) OVER w AS batch_end
                              FROM (SELECT instance_id, count(*) AS snapshots FROM import_snapshot GROUP BY instance_id) n
                            WINDOW w AS (ORDER BY instance_id)) c
                     WHERE c.instance_id = ii.instance_id""".formatted(BATCH));
            statement.execute("CREATE INDEX ON import_instance (batch)");
            statement.execute("ANALYZE import_instance");
        }
        return done.get();
    }

    /**
     * Stores the work table batch by batch, each batch a set of whole instances.
     *
     * @return snapshots stored, already present, of skipped instances; buckets marked for the rollups
     */
    private long[] storeSnapshots(long copied) throws SQLException {
        AtomicLong done = new AtomicLong();
        progress.phase("storing snapshots", copied, done);
        long stored = 0;
        long marked = 0;
        try (Statement statement = target.createStatement();
             ResultSet batches = statement.executeQuery(
                     "SELECT batch, max(batch_end) FROM import_instance WHERE batch IS NOT NULL GROUP BY batch ORDER BY batch")) {
            while (batches.next()) {
                int batch = batches.getInt(1);
                stored += update(STORE_SNAPSHOTS, batch);
                marked += update(STORE_BUCKETS_AND_CURRENT, batch);
                done.set(batches.getLong(2));
            }
        }
        long ofSkipped;
        try (Statement statement = target.createStatement();
             ResultSet row = statement.executeQuery("""
                     SELECT count(*) FROM import_snapshot s
                       LEFT JOIN import_instance ii ON ii.instance_id = s.instance_id
                      WHERE ii.state IS NULL OR ii.state NOT IN ('new', 'present')""")) {
            row.next();
            ofSkipped = row.getLong(1);
        }
        return new long[] {stored, copied - stored - ofSkipped, ofSkipped, marked};
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = target.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

}
