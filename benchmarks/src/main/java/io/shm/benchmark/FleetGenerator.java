package io.shm.benchmark;

import io.shm.aggregation.control.InstallBase;
import io.shm.aggregation.control.Rollups;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * A fleet's 90 days of history, written straight into PostgreSQL, as the server would have stored it
 * snapshot by snapshot: applications, instances with their current metrics, raw snapshots, each
 * instance's last values per hour, day and week ({@code instance_bucket}, as the snapshot statement of
 * {@code SnapshotStore} leaves them), and the fleet rollups computed from those
 * ({@link Rollups#AGGREGATE_ALL}, the rollup job's statement over every bucket at once).
 * <p>
 * At full size: 10,000 instances over 5 applications, 2,000,000 snapshots of 30 keys each. Every
 * application's instances report the same 25 keys (21 numbers, 4 strings) plus 5 of a pool of 175
 * {@code feature_*} keys, chosen per instance with a skew (a few features are common, most rare), so
 * the fleet has about 200 keys. Instances start before or during the 90 days, most still report, some
 * stopped (those silent for more than 30 days are inactive), 2 % never activated, 1 % are revoked; each
 * reports at its own cadence (about every 3 to 14 hours at full size), and most upgrade once to a newer
 * release. Values move with time: counters grow, users grow, loads fluctuate.
 * <p>
 * The plan of each instance (lifetime, cadence, versions, base values) is kept in the table
 * {@code benchmark_plan}, which no server code reads, so that a second cadence of snapshots
 * ({@link #addSecondCadence}) lands between the first one's and the derived tables can be rebuilt.
 * Random choices come from a fixed seed: two runs at the same scale generate the same fleet.
 */
final class FleetGenerator {

    static final int DAYS = 90;
    /** The server's default SHM_ACTIVE_DAYS, which the install base is computed with. */
    static final int ACTIVE_DAYS = 30;
    static final int FULL_INSTANCES = 10_000;
    static final long FULL_SNAPSHOTS = 2_000_000;
    static final int FEATURE_POOL = 175;
    static final int FEATURES_PER_INSTANCE = 5;
    /** Keys every instance reports, whatever its application; with the feature pool the fleet has 200. */
    static final int FIXED_KEYS = 25;
    static final String BUSINESS_KEY = "users_count";

    private static final long SEED = 20_261_201L;

    record App(long id, String slug, String name, double share, List<String> releases, List<Integer> releaseDaysAgo) {
    }

    static final List<App> APPLICATIONS = List.of(
            new App(1, "atlas-crm", "Atlas CRM", 0.35,
                    List.of("4.0.0", "4.1.0", "4.1.1", "4.2.0", "4.3.0", "4.4.0", "4.5.0"), List.of(300, 150, 110, 70, 45, 20, 6)),
            new App(2, "beacon-cms", "Beacon CMS", 0.25,
                    List.of("2.8.0", "2.9.0", "3.0.0", "3.0.1", "3.1.0"), List.of(260, 130, 60, 40, 12)),
            new App(3, "cobalt-erp", "Cobalt ERP", 0.20,
                    List.of("11.2", "11.3", "12.0", "12.1"), List.of(400, 180, 80, 25)),
            new App(4, "delta-shop", "Delta Shop", 0.12,
                    List.of("1.4.0", "1.5.0", "1.6.0", "1.7.0", "1.8.0", "1.9.0"), List.of(200, 120, 90, 50, 30, 3)),
            new App(5, "ember-wiki", "Ember Wiki", 0.08,
                    List.of("0.9.0", "1.0.0", "1.1.0"), List.of(220, 100, 35)));

    /** What a load did, for the report. */
    record Loaded(long instances, long snapshots, Map<String, Duration> steps) {

        Duration total() {
            return steps.values().stream().reduce(Duration.ZERO, Duration::plus);
        }
    }

    private final DataSource database;
    private final int instanceCount;
    private final long snapshotTarget;
    private final Instant now;
    private final Random random = new Random(SEED);

    /**
     * @param scale 1.0 for the full fleet; 0.1 for a tenth of the instances and of the snapshots
     * @param now   the end of the generated history (the server's "now" when it reads it)
     */
    FleetGenerator(DataSource database, double scale, Instant now) {
        this.database = database;
        this.instanceCount = Math.max(50, (int) Math.round(FULL_INSTANCES * scale));
        this.snapshotTarget = Math.max(1_000, Math.round(FULL_SNAPSHOTS * scale));
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
    }

    int instanceCount() {
        return instanceCount;
    }

    long snapshotTarget() {
        return snapshotTarget;
    }

    /** The first cadence: applications, instances, 2,000,000 snapshots (at full size), and everything derived. */
    Loaded load() throws SQLException, IOException {
        Map<String, Duration> steps = new LinkedHashMap<>();
        try (Connection connection = database.getConnection()) {
            bulkSession(connection);
            step(steps, "partitions (" + (DAYS + 10) + " days back)", () -> execute(connection,
                    "SELECT shm_ensure_snapshot_partitions(" + (DAYS + 10) + ", 14)"));
            step(steps, "applications, instances and plan (COPY)", () -> insertFleet(connection));
            step(steps, "snapshots, first cadence", () -> insertSnapshots(connection, 0));
            step(steps, "instances' current metrics", () -> updateCurrentMetrics(connection));
            derive(connection, steps, now);
            return new Loaded(count(connection, "SELECT count(*) FROM instance"),
                    count(connection, "SELECT count(*) FROM snapshot"), steps);
        }
    }

    /**
     * As many snapshots again, each half a cadence before one of the first cadence's (within the 90
     * days and the instance's lifetime), so the latest snapshot of every instance stays the same; then
     * {@code instance_bucket} and {@code fleet_rollup} are derived again from all raw snapshots.
     */
    Loaded addSecondCadence() throws SQLException, IOException {
        Map<String, Duration> steps = new LinkedHashMap<>();
        try (Connection connection = database.getConnection()) {
            bulkSession(connection);
            step(steps, "snapshots, second cadence", () -> insertSnapshots(connection, 1));
            derive(connection, steps, now);
            return new Loaded(count(connection, "SELECT count(*) FROM instance"),
                    count(connection, "SELECT count(*) FROM snapshot"), steps);
        }
    }

    /** Table sizes with indexes (and TOAST), largest first, with row estimates. */
    List<String> tableSizes() throws SQLException {
        List<String> sizes = new ArrayList<>();
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT t.name,
                            (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                              WHERE c.oid = t.name::regclass
                                 OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = t.name::regclass)),
                            (SELECT coalesce(sum(c.reltuples::bigint), 0) FROM pg_class c
                              WHERE (c.oid = t.name::regclass
                                 OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = t.name::regclass))
                                AND c.relkind <> 'p' AND c.reltuples > 0)
                       FROM unnest(ARRAY['snapshot', 'instance_bucket', 'fleet_rollup', 'instance']) AS t(name)
                      ORDER BY 2 DESC""")) {
            while (rows.next()) {
                sizes.add(String.format(Locale.ROOT, "%-16s %,10d MB  ~%,d rows", rows.getString(1),
                        rows.getLong(2) / (1024 * 1024), rows.getLong(3)));
            }
        }
        return sizes;
    }

    /** A bulk load writes gigabytes in a few statements: no per-commit flush, room to sort and hash in memory. */
    private static void bulkSession(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        execute(connection, "SET synchronous_commit = off");
        execute(connection, "SET work_mem = '1GB'");
        execute(connection, "SET maintenance_work_mem = '1GB'");
    }

    /**
     * instance_bucket from the raw snapshots, fleet_rollup from instance_bucket, the install base per
     * day and version from the daily rows, then statistics.
     */
    private static void derive(Connection connection, Map<String, Duration> steps, Instant now) throws SQLException, IOException {
        step(steps, "instance_bucket from snapshots (set-based)", () -> deriveInstanceBuckets(connection));
        step(steps, "fleet_rollup from instance_bucket (AGGREGATE_ALL)", () -> {
            execute(connection, "TRUNCATE fleet_rollup, rollup_dirty");
            try (PreparedStatement aggregate = connection.prepareStatement(Rollups.AGGREGATE_ALL)) {
                for (App app : APPLICATIONS) {
                    for (String width : List.of("h", "d", "w")) {
                        aggregate.setLong(1, app.id());
                        aggregate.setString(2, width);
                        aggregate.executeUpdate();
                    }
                }
            }
        });
        step(steps, "install base per day from instance_bucket (InstallBase.recompute)", () -> {
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            for (App app : APPLICATIONS) {
                LocalDate first = today.minusDays(DAYS + 1L);
                InstallBase.recompute(connection, app.id(), first, today, ACTIVE_DAYS);
            }
        });
        // What autovacuum would do soon anyway; done now so it does not run during the measurements.
        step(steps, "VACUUM ANALYZE", () -> {
            for (String table : List.of("instance", "instance_bucket", "fleet_rollup", "snapshot", "install_base_day",
                    "install_base_version")) {
                execute(connection, "VACUUM (ANALYZE) " + table);
            }
        });
    }

    // ----------------------------------------------------------------------------------------------
    // The fleet: applications, instances and the plan the snapshots are generated from

    private void insertFleet(Connection connection) throws SQLException, IOException {
        execute(connection, """
                CREATE TABLE benchmark_plan (
                    id             bigint PRIMARY KEY,
                    application_id bigint NOT NULL,
                    span_start     timestamptz NOT NULL,
                    span_end       timestamptz NOT NULL,
                    snapshots      integer NOT NULL,
                    cadence        double precision NOT NULL,
                    version_before text NOT NULL,
                    version_after  text NOT NULL,
                    upgraded_at    timestamptz,
                    base_users     integer NOT NULL,
                    growth         double precision NOT NULL,
                    cores          integer NOT NULL,
                    memory_mb      integer NOT NULL,
                    strings        jsonb NOT NULL,
                    features       text[] NOT NULL,
                    feature_base   integer[] NOT NULL)""");
        StringBuilder applications = new StringBuilder();
        for (App app : APPLICATIONS) {
            applications.append(app.id()).append('\t').append(app.slug()).append('\t').append(app.name()).append('\t')
                    .append(now.minus(Duration.ofDays(400))).append('\t').append(now).append('\n');
        }
        copy(connection, "COPY application (id, slug, name, created_at, updated_at) FROM STDIN", applications);
        execute(connection, "SELECT setval(pg_get_serial_sequence('application', 'id'), (SELECT max(id) FROM application))");

        List<Planned> plan = plan();
        StringBuilder instances = new StringBuilder();
        StringBuilder plans = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (Planned p : plan) {
            byte[] publicKey = new byte[32];
            random.nextBytes(publicKey);
            String current = p.upgradedAt() != null ? p.versionAfter() : p.versionBefore();
            instances.append(p.id()).append('\t').append(p.instanceId()).append('\t').append("\\\\x").append(hex.formatHex(publicKey))
                    .append('\t').append(p.app().id()).append('\t').append(current).append('\t').append(p.deploymentMode())
                    .append('\t').append(p.environment()).append('\t').append(p.osArch()).append('\t').append(p.status())
                    .append('\t').append(p.firstSeen()).append('\t').append(p.lastSeen()).append('\n');
            if (p.snapshots() > 0) {
                plans.append(p.id()).append('\t').append(p.app().id()).append('\t').append(p.spanStart()).append('\t')
                        .append(p.spanEnd()).append('\t').append(p.snapshots()).append('\t')
                        .append(Duration.between(p.spanStart(), p.spanEnd()).toMillis() / 1000.0 / p.snapshots())
                        .append('\t').append(p.versionBefore()).append('\t').append(p.versionAfter()).append('\t')
                        .append(p.upgradedAt() == null ? "\\N" : p.upgradedAt().toString()).append('\t')
                        .append(p.baseUsers()).append('\t').append(p.growth()).append('\t').append(p.cores()).append('\t')
                        .append(p.memoryMb()).append('\t').append(p.strings()).append('\t')
                        .append("{").append(String.join(",", p.features())).append("}\t")
                        .append("{").append(String.join(",", p.featureBase().stream().map(String::valueOf).toList()))
                        .append("}\n");
            }
        }
        copy(connection, "COPY instance (id, instance_id, public_key, application_id, app_version, deployment_mode,"
                + " environment, os_arch, status, first_seen, last_seen) FROM STDIN", instances);
        execute(connection, "SELECT setval(pg_get_serial_sequence('instance', 'id'), (SELECT max(id) FROM instance))");
        copy(connection, "COPY benchmark_plan FROM STDIN", plans);
        execute(connection, "ANALYZE benchmark_plan");
    }

    private record Planned(long id, UUID instanceId, App app, String status, Instant firstSeen, Instant lastSeen,
                           Instant spanStart, Instant spanEnd, int snapshots, String versionBefore, String versionAfter,
                           Instant upgradedAt, String deploymentMode, String environment, String osArch, int baseUsers,
                           double growth, int cores, int memoryMb, String strings, List<String> features,
                           List<Integer> featureBase) {
    }

    private List<Planned> plan() {
        Instant windowStart = now.minus(Duration.ofDays(DAYS));
        List<Planned> drafts = new ArrayList<>();
        double[] weights = new double[instanceCount];
        double totalWeight = 0;
        for (int number = 0; number < instanceCount; number++) {
            App app = pickApplication();
            String status = random.nextDouble() < 0.02 ? "PENDING" : random.nextDouble() < 0.01 ? "REVOKED" : "ACTIVE";
            // A third was installed before the 90 days; the others during them.
            Instant firstSeen = random.nextDouble() < 0.3
                    ? windowStart.minus(Duration.ofMinutes(random.nextInt(365 * 24 * 60)))
                    : windowStart.plus(Duration.ofMinutes(random.nextInt((DAYS * 24 - 6) * 60)));
            Instant spanStart = firstSeen.isBefore(windowStart) ? windowStart : firstSeen;
            Instant lastSeen;
            if (status.equals("PENDING")) {
                lastSeen = firstSeen;
            } else if (random.nextDouble() < 0.7) {
                // Still reporting: the last snapshot came within its cadence of now.
                lastSeen = now.minus(Duration.ofMinutes(random.nextInt(6 * 60)));
            } else {
                // Stopped at some point: those silent for more than 30 days are inactive.
                long span = Duration.between(spanStart, now).toMinutes();
                lastSeen = spanStart.plus(Duration.ofMinutes(60 + (long) (random.nextDouble() * Math.max(1, span - 60))));
            }
            if (!lastSeen.isAfter(spanStart.plus(Duration.ofHours(1))) && !status.equals("PENDING")) {
                lastSeen = spanStart.plus(Duration.ofHours(1));
            }
            if (lastSeen.isAfter(now)) {
                lastSeen = now;
            }
            // Cadence: some report every few hours, some a few times a day.
            double cadenceFactor = new double[] {0.5, 1, 1, 2}[random.nextInt(4)];
            double weight = status.equals("PENDING") ? 0 : Duration.between(spanStart, lastSeen).toMinutes() * cadenceFactor;
            weights[number] = weight;
            totalWeight += weight;

            int before = releaseAt(app, spanStart.minus(Duration.ofDays(random.nextInt(40))));
            Instant upgradedAt = null;
            int after = before;
            if (!status.equals("PENDING") && random.nextDouble() < 0.75) {
                long span = Duration.between(spanStart, lastSeen).toMinutes();
                Instant at = spanStart.plus(Duration.ofMinutes((long) (random.nextDouble() * span)));
                int newer = releaseAt(app, at.minus(Duration.ofDays(random.nextInt(10))));
                if (newer > before) {
                    after = newer;
                    upgradedAt = at;
                }
            }
            String os = pick(new String[] {"linux", "linux", "linux", "windows", "darwin"});
            String mode = pick(new String[] {"docker", "docker", "kubernetes", "bare-metal", "standalone"});
            String environment = pick(new String[] {"production", "production", "production", "staging", "development"});
            String arch = pick(new String[] {"amd64", "amd64", "arm64"});
            String strings = String.format(Locale.ROOT,
                    "{\"sys_os\": \"%s\", \"sys_mode\": \"%s\", \"app_plan\": \"%s\", \"sys_java_version\": \"%s\"}",
                    os, mode, pick(new String[] {"free", "free", "team", "team", "business", "enterprise"}),
                    pick(new String[] {"17.0.9", "17.0.12", "21.0.2", "21.0.5", "11.0.22"}));
            List<String> features = new ArrayList<>(features());
            List<Integer> featureBase = features.stream().map(f -> 1 + random.nextInt(5_000)).toList();
            int baseUsers = (int) Math.round(Math.exp(random.nextGaussian() * 1.2 + 3.5)) + 1;
            drafts.add(new Planned(number + 1, new UUID(random.nextLong(), random.nextLong()), app, status, firstSeen,
                    lastSeen, spanStart, lastSeen, 0, app.releases().get(before), app.releases().get(after), upgradedAt,
                    mode, environment, os + "/" + arch, baseUsers, random.nextDouble() * 0.8, 1 << (1 + random.nextInt(4)),
                    1024 * (1 << (1 + random.nextInt(5))), strings, features, featureBase));
        }
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Planned d = drafts.get(i);
            int snapshots = weights[i] == 0 ? 0 : (int) Math.max(1, Math.round(snapshotTarget * weights[i] / totalWeight));
            plan.add(new Planned(d.id(), d.instanceId(), d.app(), d.status(), d.firstSeen(), d.lastSeen(), d.spanStart(),
                    d.spanEnd(), snapshots, d.versionBefore(), d.versionAfter(), d.upgradedAt(), d.deploymentMode(),
                    d.environment(), d.osArch(), d.baseUsers(), d.growth(), d.cores(), d.memoryMb(), d.strings(),
                    d.features(), d.featureBase()));
        }
        return plan;
    }

    private App pickApplication() {
        double r = random.nextDouble();
        for (App app : APPLICATIONS) {
            r -= app.share();
            if (r < 0) {
                return app;
            }
        }
        return APPLICATIONS.get(0);
    }

    /** The index of the latest release out at that time (the first one for anything earlier). */
    private int releaseAt(App app, Instant at) {
        int latest = 0;
        for (int i = 0; i < app.releases().size(); i++) {
            if (!now.minus(Duration.ofDays(app.releaseDaysAgo().get(i))).isAfter(at)) {
                latest = i;
            }
        }
        return latest;
    }

    /** Five distinct feature keys, skewed: feature_001 is far more common than feature_175. */
    private Set<String> features() {
        Set<String> chosen = new LinkedHashSet<>();
        while (chosen.size() < FEATURES_PER_INSTANCE) {
            int index = (int) Math.floor(Math.pow(random.nextDouble(), 2.5) * FEATURE_POOL) + 1;
            chosen.add(String.format(Locale.ROOT, "feature_%03d", index));
        }
        return chosen;
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    // ----------------------------------------------------------------------------------------------
    // Snapshots and what the server derives from them

    /**
     * Cadence 0 puts the k-th of an instance's n snapshots at span_end - (n-1-k) * cadence, so the last
     * one is at last_seen; cadence 1 puts each half a cadence earlier. Inserted in time order, as
     * they would have arrived.
     */
    private static void insertSnapshots(Connection connection, int cadence) throws SQLException {
        execute(connection, """
                INSERT INTO snapshot (instance_id, received_at, client_timestamp, metrics)
                SELECT g.id, g.t, g.t - make_interval(secs => 0.05 + random() * 2),
                       jsonb_build_object(
                           'users_count', round(g.base_users * (1 + g.growth * g.f)),
                           'orders_count', round(g.base_users * 12 * (1 + 3 * g.f) * (0.9 + random() * 0.2)),
                           'revenue', round(CAST(g.base_users * 340.5 * (1 + 2 * g.f) * (0.8 + random() * 0.4) AS numeric), 2),
                           'app_active_users', round(g.base_users * (1 + g.growth * g.f) * (0.3 + random() * 0.4)),
                           'app_projects', round(g.base_users * 0.2 * (1 + g.f)),
                           'app_documents', round(g.base_users * 15 * (1 + 2 * g.f)),
                           'app_requests_total', round(g.base_users * 500 * g.days),
                           'app_errors_total', round(g.base_users * 0.7 * g.days),
                           'app_jobs_queued', floor(random() * 50),
                           'app_storage_bytes', round(g.base_users * 52428800.0 * (1 + g.f)),
                           'app_sessions', round(g.base_users * 0.4 * random()),
                           'app_api_calls', round(g.base_users * 90 * (0.5 + random())),
                           'sys_cpu_cores', g.cores,
                           'sys_cpu_load', round(CAST(random() * g.cores AS numeric), 2),
                           'sys_memory_total_mb', g.memory_mb,
                           'sys_memory_used_mb', round(g.memory_mb * (0.3 + random() * 0.6)),
                           'sys_disk_free_gb', round(500 - 300 * g.f + random() * 20),
                           'sys_uptime_seconds', floor(random() * 2592000),
                           'sys_threads', 40 + floor(random() * 200),
                           'sys_jvm_heap_mb', round(g.memory_mb * 0.25 * (0.5 + random() * 0.5)),
                           'sys_gc_pause_ms', round(CAST(random() * 50 AS numeric), 1))
                       || g.strings
                       || (SELECT jsonb_object_agg(u.key, round(u.base * (0.5 + g.f) + random() * 10))
                             FROM unnest(g.features, g.feature_base) AS u (key, base))
                  FROM (SELECT p.*, s.t,
                               extract(epoch FROM s.t - p.span_start)
                                   / greatest(extract(epoch FROM p.span_end - p.span_start), 1) AS f,
                               extract(epoch FROM s.t - p.span_start) / 86400 AS days
                          FROM benchmark_plan p
                         CROSS JOIN LATERAL (
                                SELECT p.span_end - make_interval(secs => (p.snapshots - 1 - k + 0.5 * ?) * p.cadence) AS t
                                  FROM generate_series(0, p.snapshots - 1) AS k) s
                         WHERE s.t >= p.span_start
                         ORDER BY s.t) g""".replace("?", Integer.toString(cadence)));
    }

    /** Each instance's current metrics and last-seen: its latest snapshot, which is at span_end. */
    private static void updateCurrentMetrics(Connection connection) throws SQLException {
        execute(connection, """
                UPDATE instance i
                   SET metrics = s.metrics, metrics_updated_at = s.received_at,
                       last_seen = greatest(i.last_seen, s.received_at), last_snapshot_at = s.client_timestamp
                  FROM benchmark_plan p
                  JOIN snapshot s ON s.instance_id = p.id AND s.received_at = p.span_end
                 WHERE i.id = p.id""");
    }

    /**
     * What the snapshot statement leaves in instance_bucket: per instance, width and bucket, the metrics
     * of the last snapshot in it (every snapshot of an instance carries the same keys, so merging them
     * in order gives the last one's), the version the instance ran then, and that snapshot's time.
     */
    private static void deriveInstanceBuckets(Connection connection) throws SQLException {
        execute(connection, "TRUNCATE instance_bucket");
        execute(connection, """
                INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
                SELECT l.instance_id, l.width, l.bucket_start, p.application_id,
                       CASE WHEN p.upgraded_at IS NOT NULL AND l.last_at >= p.upgraded_at
                            THEN p.version_after ELSE p.version_before END,
                       s.metrics, s.received_at
                  FROM (SELECT s.instance_id, w.width, date_trunc(w.unit, s.received_at, 'UTC') AS bucket_start,
                               max(s.received_at) AS last_at
                          FROM snapshot s
                         CROSS JOIN (VALUES ('h', 'hour'), ('d', 'day'), ('w', 'week')) AS w (width, unit)
                         GROUP BY 1, 2, 3) l
                  JOIN benchmark_plan p ON p.id = l.instance_id
                  JOIN snapshot s ON s.instance_id = l.instance_id AND s.received_at = l.last_at""");
    }

    // ----------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException, IOException;
    }

    private static void step(Map<String, Duration> steps, String name, Work work) throws SQLException, IOException {
        long started = System.nanoTime();
        work.run();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        steps.put(name, took);
        AggregationBenchmark.say(String.format(Locale.ROOT, "  %s: %.1f s", name, took.toMillis() / 1000.0));
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void copy(Connection connection, String sql, CharSequence rows) throws SQLException, IOException {
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(rows.toString()));
    }
}
