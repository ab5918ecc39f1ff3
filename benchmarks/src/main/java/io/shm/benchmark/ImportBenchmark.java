package io.shm.benchmark;

import io.shm.testing.LocalMachine;
import io.shm.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast {@code java -jar target/shm.jar import --from <DSN>} copies an original SHM database: a
 * source with the original's schema holding 1,000 instances of 5 applications that each sent a
 * snapshot of 12 keys (numbers, a string, a boolean) every hour for 1,000 hours, 1,000,000 snapshots
 * in all, is imported into a new embedded database (fsync on, as the launcher runs it), then imported
 * again (nothing new). Prints the import's own rate (its transaction: reading, copying, storing
 * snapshots, instance buckets and current values), the whole command's time (with starting
 * PostgreSQL and creating the schema), and the second run's time.
 * <p>
 * {@code mvn -q package -DskipTests && mvn -q exec:java@import-benchmark}; options
 * {@code -Dshm.bench.instances=1000 -Dshm.bench.hours=1000}.
 */
public final class ImportBenchmark {

    private static final Pattern RATE = Pattern.compile("Imported .* ([\\d,]+) snapshots in ([\\d.]+) s \\(([\\d,]+) snapshots/s\\)");

    public static void main(String[] args) throws Exception {
        int instances = Integer.getInteger("shm.bench.instances", 1000);
        int hours = Integer.getInteger("shm.bench.hours", 1000);
        Path target = Path.of(System.getProperty("shm.benchmark.target", "target"));
        Path sourceDir = target.resolve("import-benchmark-source").toAbsolutePath();
        Path dataDir = target.resolve("import-benchmark-data").toAbsolutePath();
        LocalMachine.deleteRecursively(sourceDir);
        LocalMachine.deleteRecursively(dataDir);
        try (EmbeddedPostgres source = LocalPostgres.in(sourceDir).start()) {
            long generating = System.nanoTime();
            LocalPostgres.createDatabase(source, "original");
            try (Connection connection = source.getDatabase(LocalPostgres.SUPERUSER, "original").getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute(new String(ImportBenchmark.class.getResourceAsStream("/original-shm/schema.sql")
                        .readAllBytes(), StandardCharsets.UTF_8));
                generate(connection, instances, hours);
            }
            System.out.printf("[import] source: %,d instances, %,d snapshots, generated in %.1f s%n", instances,
                    (long) instances * hours, (System.nanoTime() - generating) / 1e9);
            String dsn = "postgres://postgres:postgres@localhost:" + source.getPort() + "/original?sslmode=disable";
            Run first = importFrom(dsn, dataDir);
            Run second = importFrom(dsn, dataDir);
            Matcher rate = RATE.matcher(first.output());
            if (!rate.find() || first.exit() != 0 || second.exit() != 0) {
                throw new IllegalStateException("the import did not report a rate (exit codes " + first.exit() + ", "
                        + second.exit() + ")");
            }
            System.out.printf("[import] %s snapshots imported in %s s: %s snapshots/s (the import's transaction)%n",
                    rate.group(1), rate.group(2), rate.group(3));
            System.out.printf("[import] whole command (PostgreSQL start, schema, import, stop): %.1f s%n", first.seconds());
            System.out.printf("[import] second run, nothing new: %.1f s%n", second.seconds());
        } finally {
            LocalMachine.deleteRecursively(sourceDir);
            LocalMachine.deleteRecursively(dataDir);
        }
    }

    /** Applications, instances (real-looking hex keys), and an hourly snapshot of each instance, server-side. */
    private static void generate(Connection connection, int instances, int hours) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    INSERT INTO applications (app_slug, app_name, github_url)
                    SELECT 'bench-app-' || a, 'Bench App ' || a, 'https://github.com/example/bench-' || a
                      FROM generate_series(1, 5) a""");
            statement.execute("SELECT setseed(0.42)");
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                INSERT INTO instances (instance_id, public_key, app_name, app_version, deployment_mode, environment,
                                       os_arch, status, last_seen_at, created_at, application_id)
                SELECT gen_random_uuid(), convert_to(encode(gen_random_bytes(32), 'hex'), 'UTF8'), a.app_name,
                       '1.' || (i % 4), 'docker', 'production', 'linux/amd64', 'active',
                       now() - interval '1 hour', now() - make_interval(hours => ?), a.id
                  FROM generate_series(1, ?) i
                  JOIN applications a ON a.app_slug = 'bench-app-' || (1 + i % 5)""")) {
            statement.setInt(1, hours + 1);
            statement.setInt(2, instances);
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement("""
                INSERT INTO snapshots (instance_id, snapshot_at, data)
                SELECT i.instance_id, date_trunc('hour', now()) - make_interval(hours => h) + make_interval(secs => (x % 3600)),
                       jsonb_build_object('users_count', 10 + (x + h) % 500, 'projects', x % 40, 'storage_mb', h * 3 + x % 1000,
                                          'requests_per_day', (x * 7 + h) % 10000, 'errors', h % 5, 'plan', 'free',
                                          'sso_enabled', x % 2 = 0, 'sys_cpu_cores', 4, 'sys_mem_mb', 8192,
                                          'sys_os', 'linux', 'queue_depth', (h * x) % 17, 'Active Users', x % 100)
                  FROM (SELECT instance_id, abs(hashtext(instance_id::text)::bigint) AS x FROM instances) i
                 CROSS JOIN generate_series(1, ?) h""")) {
            statement.setInt(1, hours);
            statement.executeUpdate();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE");
        }
    }

    private record Run(int exit, String output, double seconds) {
    }

    private static Run importFrom(String dsn, Path dataDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("shm.benchmark.target", "target"), "shm.jar").toString(),
                "import", "--from", dsn).redirectErrorStream(true);
        builder.environment().remove("SHM_DB_URL");
        builder.environment().put("SHM_DATA_DIR", dataDir.toString());
        long started = System.nanoTime();
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith("SLF4J:")) {
                    System.out.println(line);
                }
                output.append(line).append('\n');
            }
        }
        int exit = process.waitFor();
        return new Run(exit, output.toString(), (System.nanoTime() - started) / 1e9);
    }
}
