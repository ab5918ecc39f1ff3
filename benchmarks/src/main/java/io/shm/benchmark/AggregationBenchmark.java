package io.shm.benchmark;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * How fast the SHM server answers every read path on a large fleet, and whether that holds when the
 * raw snapshots double. {@link FleetGenerator} writes 90 days of a 10,000-instance fleet straight into
 * PostgreSQL (2,000,000 snapshots of 30 keys, about 200 keys in the fleet); the real server
 * ({@code target/shm.jar}) then answers each read path of the admin API, the badges and the dashboard
 * pages over HTTP, one request at a time, and the run prints the median and 95th percentile of each
 * (time to the last byte). Then the generator adds a second cadence of 2,000,000 snapshots to the same
 * 90 days, the server is restarted, and everything is timed again. In both phases the naive way to the
 * fleet totals of {@code /stats} (latest snapshot per instance with {@code DISTINCT ON} over all raw
 * snapshots) is timed straight over JDBC, against the server's way (the instances' current values),
 * and each application's Overview is loaded in headless Chromium ({@link OverviewTiming}): from the
 * start of the navigation to the last chart drawn.
 * <p>
 * {@code mvn -q package -DskipTests && mvn -q exec:java@aggregation-benchmark}, with options as system
 * properties or arguments: {@code -Dshm.bench.scale=0.02} (a fiftieth of the fleet, a few minutes; the full size takes about 40),
 * {@code -Dshm.bench.requests=30}, {@code -Dshm.bench.warmup=5}, {@code -Dshm.bench.naive-runs=3},
 * {@code -Dshm.bench.phases=1} (the first phase only), {@code -Dshm.bench.overview-loads=10},
 * {@code -Dshm.bench.overview-warmup=3} (rounds over every Overview page before they are timed), or
 * {@code -Dexec.args="scale=0.1 requests=20"}.
 */
public final class AggregationBenchmark {

    static final Duration TARGET_MEDIAN = Duration.ofMillis(150);
    /** An Overview, from the start of its navigation to its last chart drawn in the browser. */
    static final Duration OVERVIEW_TARGET = Duration.ofMillis(500);
    private static final String ADMIN_TOKEN = "aggregation-benchmark-" + HexFormat.of().formatHex(randomBytes());
    private static final String ADMIN_PASSWORD = "benchmark-" + HexFormat.of().formatHex(randomBytes());
    /** {@code io.shm.aggregation.control.Rollups.LEASE_KEY}: held while the rollup job works. */
    private static final long ROLLUP_LOCK = 0x53484d5f524f4c4cL;
    /** The rollup job's first run after a start: at second 5 of the next minute, so within 65 s. */
    private static final Duration FIRST_ROLLUP_RUN = Duration.ofSeconds(75);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Options options;
    private final HttpClient http;
    private final HttpClient browser;

    /** How a path is asked for: with the admin token, anonymously (badges), or with the dashboard session. */
    enum Access { TOKEN, PUBLIC, SESSION }

    record ReadPath(String name, Access access, String path) {
    }

    /** One path's timings in one phase; failed when it did not answer 200. */
    record Timing(Tally tally, long bytes, String failure) {

        Duration median() {
            return tally.percentile(50);
        }
    }

    record Options(double scale, int requests, int warmup, int naiveRuns, int phases, int overviewLoads, int overviewWarmup) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : List.of("scale", "requests", "warmup", "naive-runs", "phases", "overview-loads",
                    "overview-warmup")) {
                String property = System.getProperty("shm.bench." + name);
                if (property != null) {
                    values.put(name, property);
                }
            }
            for (String arg : args) {
                int equals = arg.indexOf('=');
                if (equals < 0) {
                    throw new IllegalArgumentException("options are name=value: " + arg);
                }
                values.put(arg.substring(0, equals).replaceFirst("^-*(shm\\.bench\\.)?", ""), arg.substring(equals + 1));
            }
            return new Options(Double.parseDouble(values.getOrDefault("scale", "1")),
                    Integer.parseInt(values.getOrDefault("requests", "30")),
                    Integer.parseInt(values.getOrDefault("warmup", "5")),
                    Integer.parseInt(values.getOrDefault("naive-runs", "3")),
                    Integer.parseInt(values.getOrDefault("phases", "2")),
                    Integer.parseInt(values.getOrDefault("overview-loads", "10")),
                    Integer.parseInt(values.getOrDefault("overview-warmup", "3")));
        }
    }

    private AggregationBenchmark(Options options) {
        this.options = options;
        // HTTP/1.1 only: the JDK client's h2c upgrade attempts hang against Payara's Grizzly.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path target = Path.of(System.getProperty("shm.benchmark.target", "target")).toAbsolutePath();
        new AggregationBenchmark(options).run(target);
    }

    private void run(Path target) throws Exception {
        say("Starting PostgreSQL and the server to create the schema (its log: " + target.resolve("benchmark-server.log") + ")");
        Map<String, String> environment = Map.of(
                "SHM_ADMIN_TOKEN", ADMIN_TOKEN,
                "SHM_ADMIN_PASSWORD", ADMIN_PASSWORD,
                // Every badge request reaches the database: the figure is a cache miss, the worst case.
                "SHM_BADGE_CACHE_SECONDS", "0");
        try (BenchmarkServer server = BenchmarkServer.start(target, environment)) {
            server.stopServer();
            Instant now = Instant.now();
            FleetGenerator generator = new FleetGenerator(server.dataSource(), options.scale(), now);
            say(String.format(Locale.ROOT, "Generating %,d instances, %,d snapshots over %d days (scale %s)",
                    generator.instanceCount(), generator.snapshotTarget(), FleetGenerator.DAYS, options.scale()));
            Phase first = measurePhase(server, "phase 1", generator.load(), generator);

            server.stopServer();
            Phase second = null;
            if (options.phases() > 1) {
                say("Adding a second cadence of snapshots into the same " + FleetGenerator.DAYS + " days");
                second = measurePhase(server, "phase 2", generator.addSecondCadence(), generator);
                server.stopServer();
            }

            print(first, second);
        }
    }

    /**
     * What one phase measured on its data. {@code rollup} is how long the server's first rollup run after
     * the start took: on a database it never covered (phase 1), every bucket changed in the last 8 days;
     * after a restart (phase 2), what changed since the time the last run covered.
     */
    private record Phase(FleetGenerator.Loaded loaded, List<String> sizes, Duration rollup, Map<String, Timing> timings,
                         List<Duration> naive, List<Duration> servedSql, Map<String, OverviewTiming.PageTimes> overviews, String loadAverage) {
    }

    private Phase measurePhase(BenchmarkServer server, String phase, FleetGenerator.Loaded loaded, FleetGenerator generator)
            throws Exception {
        List<String> sizes = generator.tableSizes();
        sizes.forEach(size -> say("  " + size));
        Map<String, Timing> timings = new LinkedHashMap<>();
        List<Duration> naive = new ArrayList<>();
        List<Duration> servedSql = new ArrayList<>();
        say("Starting the server on the generated data");
        server.restartServer();
        Duration rollup = awaitFirstRollupRun(server.dataSource());
        say(String.format(Locale.ROOT, "  the server's first rollup run after the start: %.1f s", rollup.toMillis() / 1000.0));
        say(String.format("Overview pages in headless Chromium, %d loads each after %d warm-up rounds over every page (%s)",
                options.overviewLoads(), options.overviewWarmup(), phase));
        String loadAverage = loadAverage();
        Map<String, OverviewTiming.PageTimes> overviews = OverviewTiming.measure(server.baseUri(), ADMIN_PASSWORD,
                overviewPaths(), options.overviewLoads(), options.overviewWarmup());
        overviews.forEach((path, times) -> say(String.format(Locale.ROOT,
                "  %-44s median %.0f ms, p95 %.0f ms, max %.0f ms; first load after the start %.0f ms", path,
                millis(times.tally().percentile(50)), millis(times.tally().percentile(95)),
                millis(times.tally().percentile(100)), times.firstMillis())));
        logIn(server.baseUri());
        List<ReadPath> paths = readPaths(server.dataSource(), server.baseUri());
        say(String.format("Timing %d read paths, %d requests each after %d warm-up requests (%s)",
                paths.size(), options.requests(), options.warmup(), phase));
        for (ReadPath path : paths) {
            Timing timing = time(server.baseUri(), path);
            timings.put(path.name(), timing);
            say(String.format(Locale.ROOT, "  %-44s %s", path.name(), timing.failure() != null ? "FAILED: " + timing.failure()
                    : String.format(Locale.ROOT, "median %.1f ms, p95 %.1f ms", millis(timing.median()),
                    millis(timing.tally().percentile(95)))));
        }
        say(String.format("Naive fleet totals over JDBC, %d runs after one warm-up (%s)", options.naiveRuns(), phase));
        timeSql(server.dataSource(), NAIVE_TOTALS, naive);
        say(String.format(Locale.ROOT, "  naive (DISTINCT ON over raw snapshots): median %.1f ms", millis(median(naive))));
        timeSql(server.dataSource(), SERVED_TOTALS, servedSql);
        say(String.format(Locale.ROOT, "  current values (the minute job's pass):  median %.1f ms", millis(median(servedSql))));
        return new Phase(loaded, sizes, rollup, timings, naive, servedSql, overviews, loadAverage);
    }

    /** Each application's Overview over the default 30 days; the largest one's over a year and all time too. */
    private static List<String> overviewPaths() {
        List<String> paths = new ArrayList<>();
        FleetGenerator.APPLICATIONS.forEach(app -> paths.add("/app/index.xhtml?app=" + app.slug()));
        String largest = FleetGenerator.APPLICATIONS.get(0).slug();
        paths.add("/app/index.xhtml?app=" + largest + "&period=1y");
        paths.add("/app/index.xhtml?app=" + largest + "&period=all");
        paths.add("/app/fleet.xhtml");
        return paths;
    }

    /** The machine's load average over 1, 5 and 15 minutes, as /proc/loadavg says (empty elsewhere). */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ----------------------------------------------------------------------------------------------
    // The read paths

    private List<ReadPath> readPaths(DataSource database, URI base) throws Exception {
        String slug = FleetGenerator.APPLICATIONS.get(0).slug();
        String instance;
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             // The active instance with the longest history of the largest application.
             ResultSet row = statement.executeQuery("""
                     SELECT i.instance_id FROM instance i JOIN benchmark_plan p ON p.id = i.id
                      WHERE i.status = 'ACTIVE' AND i.application_id = 1
                      ORDER BY p.snapshots DESC, i.id LIMIT 1""")) {
            row.next();
            instance = row.getString(1);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String week = now.minus(Duration.ofDays(7)).toString();
        String quarter = now.minus(Duration.ofDays(FleetGenerator.DAYS)).toString();
        String admin = "/api/v1/admin";
        List<ReadPath> paths = new ArrayList<>(List.of(
                new ReadPath("GET /stats", Access.TOKEN, admin + "/stats"),
                new ReadPath("GET /applications", Access.TOKEN, admin + "/applications"),
                new ReadPath("GET /applications/{slug}", Access.TOKEN, admin + "/applications/" + slug),
                new ReadPath("GET /applications/{slug}/stats", Access.TOKEN, admin + "/applications/" + slug + "/stats"),
                new ReadPath("series users_count, hour, 7 days", Access.TOKEN, admin + "/applications/" + slug
                        + "/series?key=users_count&bucket=hour&from=" + week),
                new ReadPath("series users_count, day, 90 days", Access.TOKEN, admin + "/applications/" + slug
                        + "/series?key=users_count&bucket=day&from=" + quarter),
                new ReadPath("series users_count, week, 90 days", Access.TOKEN, admin + "/applications/" + slug
                        + "/series?key=users_count&bucket=week&from=" + quarter),
                new ReadPath("version share, day, 90 days", Access.TOKEN, admin + "/applications/" + slug
                        + "/distribution?key=app_version&bucket=day&from=" + quarter),
                new ReadPath("version share, week, 90 days", Access.TOKEN, admin + "/applications/" + slug
                        + "/distribution?key=app_version&bucket=week&from=" + quarter),
                new ReadPath("distribution sys_os, hour, 7 days", Access.TOKEN, admin + "/applications/" + slug
                        + "/distribution?key=sys_os&bucket=hour&from=" + week)));
        for (String period : List.of("24h", "7d", "30d", "3m", "1y", "all")) {
            paths.add(new ReadPath("GET /metrics/{slug}?period=" + period, Access.TOKEN, admin + "/metrics/" + slug + "?period=" + period));
        }
        int total = totalInstances(base, admin + "/instances?limit=1");
        paths.addAll(List.of(
                new ReadPath("instances, first page of 50", Access.TOKEN, admin + "/instances?offset=0&limit=50"),
                new ReadPath("instances, 500", Access.TOKEN, admin + "/instances?offset=0&limit=500"),
                new ReadPath("instances, last page of 50", Access.TOKEN, admin + "/instances?offset="
                        + Math.max(0, total - 50) + "&limit=50"),
                new ReadPath("instances of an app, by last seen", Access.TOKEN, admin + "/instances?app=" + slug
                        + "&sort=" + encode("last_seen_at,desc") + "&offset=0&limit=50"),
                new ReadPath("instances, status inactive", Access.TOKEN, admin + "/instances?status=inactive&limit=50"),
                new ReadPath("instances, search (id prefix)", Access.TOKEN, admin + "/instances?q="
                        + instance.substring(0, 8) + "&limit=50"),
                new ReadPath("instances, search 'staging'", Access.TOKEN, admin + "/instances?q=staging&limit=50"),
                new ReadPath("instance detail", Access.TOKEN, admin + "/instances/" + instance),
                new ReadPath("instance snapshots, 100", Access.TOKEN, admin + "/instances/" + instance + "/snapshots?limit=100"),
                new ReadPath("export CSV, all instances", Access.TOKEN, admin + "/export/instances?format=csv"),
                new ReadPath("export JSON, all instances", Access.TOKEN, admin + "/export/instances?format=json"),
                new ReadPath("badge instances", Access.PUBLIC, "/badge/" + slug + "/instances"),
                new ReadPath("badge version", Access.PUBLIC, "/badge/" + slug + "/version"),
                new ReadPath("badge metric users_count", Access.PUBLIC, "/badge/" + slug + "/metric/users_count"),
                new ReadPath("badge combined", Access.PUBLIC, "/badge/" + slug + "/combined?metric=users_count"),
                new ReadPath("page overview, all applications", Access.SESSION, "/app/index.xhtml"),
                new ReadPath("page overview", Access.SESSION, "/app/index.xhtml?app=" + slug),
                new ReadPath("page instances", Access.SESSION, "/app/instances.xhtml?app=" + slug),
                new ReadPath("page instance", Access.SESSION, "/app/instance.xhtml?id=" + instance),
                new ReadPath("page metrics", Access.SESSION, "/app/metrics.xhtml?app=" + slug)));
        // The settings page is a protected view: it is opened through the link the other pages carry.
        String overview = get(base, new ReadPath("", Access.SESSION, "/app/index.xhtml?app=" + slug)).body();
        Matcher settings = Pattern.compile("href=\"([^\"]*applications\\.xhtml[^\"]*)\"").matcher(overview);
        paths.add(new ReadPath("page settings", Access.SESSION, settings.find()
                ? settings.group(1).replace("&amp;", "&") : "/app/applications.xhtml?app=" + slug));
        return paths;
    }

    private int totalInstances(URI base, String path) throws Exception {
        HttpResponse<String> response = get(base, new ReadPath("", Access.TOKEN, path));
        return Integer.parseInt(response.headers().firstValue("X-Total-Count").orElse("0"));
    }

    private Timing time(URI base, ReadPath path) {
        Tally tally = new Tally();
        long bytes = 0;
        try {
            for (int i = 0; i < options.warmup() + options.requests(); i++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> response = client(path).send(request(base, path), HttpResponse.BodyHandlers.ofByteArray());
                long took = System.nanoTime() - started;
                if (response.statusCode() != 200) {
                    return new Timing(tally, 0, "HTTP " + response.statusCode() + " "
                            + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
                }
                if (path.access() == Access.SESSION && new String(response.body(), StandardCharsets.UTF_8).contains("id=\"login\"")) {
                    return new Timing(tally, 0, "the login page instead of the page");
                }
                bytes = response.body().length;
                if (i >= options.warmup()) {
                    tally.accepted(took);
                }
            }
            return new Timing(tally, bytes, null);
        } catch (IOException e) {
            return new Timing(tally, 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Timing(tally, 0, "interrupted");
        }
    }

    private HttpResponse<String> get(URI base, ReadPath path) throws IOException, InterruptedException {
        HttpResponse<String> response = client(path).send(request(base, path), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path.path() + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return response;
    }

    private HttpClient client(ReadPath path) {
        return path.access() == Access.SESSION ? browser : http;
    }

    private static HttpRequest request(URI base, ReadPath path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path.path())).timeout(Duration.ofMinutes(5)).GET();
        if (path.access() == Access.TOKEN) {
            builder.header("Authorization", "Bearer " + ADMIN_TOKEN);
        }
        return builder.build();
    }

    /** Signs in through the login form, as a browser does; the session cookie stays in {@link #browser}. */
    private void logIn(URI base) throws IOException, InterruptedException {
        HttpResponse<String> form = browser.send(HttpRequest.newBuilder(base.resolve("/login.xhtml")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String page = form.body();
        String action = find(page, "<form id=\"login\"[^>]*action=\"([^\"]+)\"").orElse("/login.xhtml").replace("&amp;", "&");
        String viewState = find(page, "name=\"jakarta\\.faces\\.ViewState\"[^>]*value=\"([^\"]+)\"")
                .orElseThrow(() -> new IOException("no view state in the login page"));
        // The page's CSP nonce, which PrimeFaces' script adds to every post: a post without it is refused (400).
        String nonce = find(page, "<script[^>]*nonce=\"([^\"]+)\"").orElseThrow(() -> new IOException("no CSP nonce in the login page"));
        String body = String.join("&", "login=login", "login%3Ausername=admin",
                "login%3Apassword=" + encode(ADMIN_PASSWORD), "login%3Asubmit=", "jakarta.faces.ViewState=" + encode(viewState),
                "primefaces.nonce=" + encode(nonce));
        HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(base.resolve(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> overview = browser.send(HttpRequest.newBuilder(base.resolve("/app/index.xhtml")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (overview.statusCode() != 200 || overview.body().contains("id=\"login\"")) {
            throw new IOException("could not sign in to the dashboard: login answered " + answer.statusCode()
                    + ", the overview " + overview.statusCode());
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Fleet totals straight over JDBC: the naive way and the server's way

    /** Latest snapshot of every instance from the raw snapshots, then /stats' counts and fleet totals. */
    static final String NAIVE_TOTALS = """
            WITH latest AS (
                SELECT DISTINCT ON (s.instance_id) s.instance_id, s.metrics
                  FROM snapshot s
                 ORDER BY s.instance_id, s.received_at DESC),
            counts AS (
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE status = 'ACTIVE' AND last_seen >= ?) AS active
                  FROM instance)
            SELECT kv.key, count(*), sum(CAST(kv.value AS numeric)), min(CAST(kv.value AS numeric)),
                   max(CAST(kv.value AS numeric)), (SELECT total FROM counts), (SELECT active FROM counts)
              FROM latest l
              JOIN instance i ON i.id = l.instance_id AND i.status = 'ACTIVE' AND i.last_seen >= ?
             CROSS JOIN LATERAL jsonb_each(l.metrics) kv
             WHERE jsonb_typeof(kv.value) = 'number'
             GROUP BY kv.key""";

    /**
     * The same totals from the instances' current values: the pass the rollup job makes once a minute
     * (with percentiles besides) so that /stats reads its result.
     */
    static final String SERVED_TOTALS = """
            WITH counts AS (
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE status = 'ACTIVE' AND last_seen >= ?) AS active
                  FROM instance)
            SELECT kv.key, count(*), sum(CAST(kv.value AS numeric)), min(CAST(kv.value AS numeric)),
                   max(CAST(kv.value AS numeric)), (SELECT total FROM counts), (SELECT active FROM counts)
              FROM instance i
             CROSS JOIN LATERAL jsonb_each(i.metrics) kv
             WHERE i.status = 'ACTIVE' AND i.last_seen >= ? AND jsonb_typeof(kv.value) = 'number'
             GROUP BY kv.key""";

    private void timeSql(DataSource database, String sql, List<Duration> runs) throws SQLException {
        OffsetDateTime activeSince = OffsetDateTime.now(ZoneOffset.UTC).minusDays(30);
        try (Connection connection = database.getConnection()) {
            for (int run = 0; run <= options.naiveRuns(); run++) {
                long started = System.nanoTime();
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setObject(1, activeSince);
                    statement.setObject(2, activeSince);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            rows.getBigDecimal(3);
                        }
                    }
                }
                if (run > 0) {
                    runs.add(Duration.ofNanos(System.nanoTime() - started));
                }
            }
        }
    }

    /**
     * Waits for the rollup job's first run after the start, so that it does not compete with the
     * measurements; returns how long it took.
     */
    private static Duration awaitFirstRollupRun(DataSource database) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + FIRST_ROLLUP_RUN.toNanos();
        long startedAt = 0;
        long baseline = rollupDeletes(database);
        try (Connection connection = database.getConnection();
             PreparedStatement held = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                     + " AND classid = ? AND objid = ? AND objsubid = 1 AND granted")) {
            held.setLong(1, ROLLUP_LOCK >>> 32);
            held.setLong(2, ROLLUP_LOCK & 0xffffffffL);
            while (true) {
                boolean running;
                try (ResultSet row = held.executeQuery()) {
                    row.next();
                    running = row.getLong(1) > 0;
                }
                if (running && startedAt == 0) {
                    startedAt = System.nanoTime();
                }
                if (!running && (startedAt != 0 || rollupDeletes(database) > baseline)) {
                    return Duration.ofNanos(startedAt == 0 ? 0 : System.nanoTime() - startedAt);
                }
                if (!running && System.nanoTime() > deadline) {
                    return Duration.ZERO;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static long rollupDeletes(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT n_tup_del + n_tup_ins FROM pg_stat_user_tables WHERE relname = 'fleet_rollup'")) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    // ----------------------------------------------------------------------------------------------
    // The report

    private void print(Phase phase1, Phase phase2) {
        String line = "-".repeat(128);
        System.out.println();
        System.out.printf(Locale.ROOT, "SHM aggregation benchmark: %,d instances, %d applications, ~%d keys; %d requests per path"
                        + " after %d warm-up, one at a time; target median <= %d ms%n", phase1.loaded().instances(),
                FleetGenerator.APPLICATIONS.size(), FleetGenerator.FIXED_KEYS + FleetGenerator.FEATURE_POOL,
                options.requests(), options.warmup(), TARGET_MEDIAN.toMillis());
        System.out.printf("Machine: %d cores, Java %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"), System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "Phase 1: %,d snapshots, loaded in %s%n", phase1.loaded().snapshots(), seconds(phase1.loaded().total()));
        phase1.loaded().steps().forEach((step, took) -> System.out.printf("    %-56s %s%n", step, seconds(took)));
        phase1.sizes().forEach(size -> System.out.println("    " + size));
        if (phase2 == null) {
            System.out.printf("The server's first rollup run: on the new database (last 8 days of buckets) %s%n",
                    seconds(phase1.rollup()));
            printOverviews(phase1, null);
            printSingle(phase1);
            return;
        }
        System.out.printf(Locale.ROOT, "Phase 2: %,d snapshots (second cadence added in %s)%n", phase2.loaded().snapshots(), seconds(phase2.loaded().total()));
        phase2.loaded().steps().forEach((step, took) -> System.out.printf("    %-56s %s%n", step, seconds(took)));
        phase2.sizes().forEach(size -> System.out.println("    " + size));
        System.out.printf("The server's first rollup run: on the new database (last 8 days of buckets) %s;"
                + " after the restart of phase 2 (from the time covered) %s%n",
                seconds(phase1.rollup()), seconds(phase2.rollup()));
        printOverviews(phase1, phase2);
        System.out.println("Badges with SHM_BADGE_CACHE_SECONDS=0: every request reaches the database.");
        System.out.println(line);
        System.out.printf("%-44s %-8s %21s %21s %7s %10s  %s%n", "read path", "by", "phase 1 p50 / p95",
                "phase 2 p50 / p95", "p2/p1", "bytes", "");
        System.out.println(line);
        for (Map.Entry<String, Timing> entry : phase1.timings().entrySet()) {
            Timing one = entry.getValue();
            Timing two = phase2.timings().get(entry.getKey());
            boolean failed = one.failure() != null || two == null || two.failure() != null;
            boolean miss = !failed && (one.median().compareTo(TARGET_MEDIAN) > 0 || two.median().compareTo(TARGET_MEDIAN) > 0);
            System.out.printf(Locale.ROOT, "%-44s %-8s %21s %21s %7s %10s  %s%n", entry.getKey(), "server",
                    pair(one), two == null ? "" : pair(two),
                    failed ? "" : String.format(Locale.ROOT, "%.2f", ratio(two.median(), one.median())),
                    String.format(Locale.ROOT, "%,d", two == null ? one.bytes() : two.bytes()),
                    failed ? "FAILED" : miss ? "MISS" : "");
        }
        System.out.println(line);
        Duration firstStats = statsMedian(phase1.timings());
        Duration secondStats = statsMedian(phase2.timings());
        System.out.printf(Locale.ROOT, "%-44s %-8s %21s %21s %7s%n", "fleet totals, DISTINCT ON over raw snapshots", "naive",
                ms(median(phase1.naive())), ms(median(phase2.naive())), String.format(Locale.ROOT, "%.2f",
                        ratio(median(phase2.naive()), median(phase1.naive()))));
        System.out.printf(Locale.ROOT, "%-44s %-8s %21s %21s %7s%n", "fleet totals, current values (minute job)", "server",
                ms(median(phase1.servedSql())), ms(median(phase2.servedSql())), String.format(Locale.ROOT, "%.2f",
                        ratio(median(phase2.servedSql()), median(phase1.servedSql()))));
        System.out.printf(Locale.ROOT, "%-44s %-8s %21s %21s%n", "naive / current-values SQL (both JDBC)", "",
                String.format(Locale.ROOT, "%.0fx", ratio(median(phase1.naive()), median(phase1.servedSql()))),
                String.format(Locale.ROOT, "%.0fx", ratio(median(phase2.naive()), median(phase2.servedSql()))));
        System.out.printf(Locale.ROOT, "%-44s %-8s %21s %21s%n", "naive SQL / GET /stats over HTTP", "",
                String.format(Locale.ROOT, "%.0fx", ratio(median(phase1.naive()), firstStats)),
                String.format(Locale.ROOT, "%.0fx", ratio(median(phase2.naive()), secondStats)));
        System.out.println(line);
        long misses = phase1.timings().keySet().stream().filter(path -> {
            Timing one = phase1.timings().get(path);
            Timing two = phase2.timings().get(path);
            return one.failure() == null && two != null && two.failure() == null
                    && (one.median().compareTo(TARGET_MEDIAN) > 0 || two.median().compareTo(TARGET_MEDIAN) > 0);
        }).count();
        System.out.printf("%d of %d read paths miss the %d ms median target%n", misses, phase1.timings().size(), TARGET_MEDIAN.toMillis());
    }

    /**
     * The Overview as a browser measures it: from the start of the navigation to the last chart drawn
     * ({@code performance.now()} that shm.js writes into {@code html[data-charts-drawn]}).
     */
    private void printOverviews(Phase phase1, Phase phase2) {
        String line = "-".repeat(128);
        System.out.println(line);
        System.out.printf(Locale.ROOT, "Overview in headless Chromium, navigation start to the last chart drawn, %d loads"
                + " after %d warm-up rounds over every page; target %d ms%n", options.overviewLoads(), options.overviewWarmup(),
                OVERVIEW_TARGET.toMillis());
        System.out.printf("%-52s %27s %8s %27s %8s%n", "page", "phase 1 p50 / p95 / max", "first",
                phase2 == null ? "" : "phase 2 p50 / p95 / max", phase2 == null ? "" : "first");
        for (Map.Entry<String, OverviewTiming.PageTimes> entry : phase1.overviews().entrySet()) {
            OverviewTiming.PageTimes two = phase2 == null ? null : phase2.overviews().get(entry.getKey());
            boolean miss = entry.getValue().tally().percentile(50).compareTo(OVERVIEW_TARGET) > 0
                    || two != null && two.tally().percentile(50).compareTo(OVERVIEW_TARGET) > 0;
            System.out.printf(Locale.ROOT, "%-52s %27s %8s %27s %8s  %s%n", entry.getKey(), browserTimes(entry.getValue().tally()),
                    firstLoad(entry.getValue()), two == null ? "" : browserTimes(two.tally()), two == null ? "" : firstLoad(two),
                    miss ? "MISS" : "");
        }
        System.out.printf("Load average (1, 5, 15 min) when the pages were loaded: phase 1 %s%s%n", phase1.loadAverage(),
                phase2 == null ? "" : "; phase 2 " + phase2.loadAverage());
    }

    private static String firstLoad(OverviewTiming.PageTimes times) {
        return String.format(Locale.ROOT, "%.0f ms", times.firstMillis());
    }

    private static String browserTimes(Tally tally) {
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", millis(tally.percentile(50)), millis(tally.percentile(95)),
                millis(tally.percentile(100)));
    }

    /** The read paths of a run with one phase only. */
    private void printSingle(Phase phase1) {
        String line = "-".repeat(128);
        System.out.println(line);
        System.out.printf("%-44s %-8s %21s %10s%n", "read path", "by", "phase 1 p50 / p95", "bytes");
        System.out.println(line);
        phase1.timings().forEach((path, one) -> System.out.printf(Locale.ROOT, "%-44s %-8s %21s %10s  %s%n", path, "server",
                pair(one), String.format(Locale.ROOT, "%,d", one.bytes()), one.failure() != null ? "FAILED"
                        : one.median().compareTo(TARGET_MEDIAN) > 0 ? "MISS" : ""));
        System.out.println(line);
        System.out.printf(Locale.ROOT, "%-44s %-8s %21s%n", "fleet totals, DISTINCT ON over raw snapshots", "naive",
                ms(median(phase1.naive())));
        System.out.printf(Locale.ROOT, "%-44s %-8s %21s%n", "fleet totals, current values (minute job)", "server",
                ms(median(phase1.servedSql())));
    }

    private static Duration statsMedian(Map<String, Timing> timings) {
        return timings.entrySet().stream().filter(e -> e.getKey().equals("GET /stats"))
                .map(e -> e.getValue().median()).findFirst().orElse(Duration.ZERO);
    }

    private static String pair(Timing timing) {
        if (timing.failure() != null) {
            return "failed";
        }
        return String.format(Locale.ROOT, "%.1f / %.1f ms", millis(timing.median()), millis(timing.tally().percentile(95)));
    }

    private static String ms(Duration duration) {
        return String.format(Locale.ROOT, "%.1f ms", millis(duration));
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static double ratio(Duration a, Duration b) {
        return b.isZero() ? Double.NaN : (double) a.toNanos() / b.toNanos();
    }

    private static Duration median(List<Duration> runs) {
        if (runs.isEmpty()) {
            return Duration.ZERO;
        }
        List<Duration> sorted = runs.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static Optional<String> find(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static void say(String message) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(TIME) + " " + message);
    }
}
