package io.shm.launcher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/shm.jar}: the SHM server in one command and one JVM. Starts an embedded
 * PostgreSQL (unless {@code SHM_DB_URL}, or the original server's {@code SHM_DB_DSN}, names a database) and keeps it running, then Payara Micro with
 * the WAR beside this jar, in this same JVM (see {@link PayaraServer}). On SIGTERM or Ctrl-C it stops
 * Payara Micro first, then PostgreSQL. When anything it started cannot run (the port is taken, the
 * WAR does not deploy, PostgreSQL keeps dying) it stops the rest and exits with status 1, saying why in
 * one line, so that a service manager sees the failure and restarts it.
 *
 * <p>Subcommands: {@code run} (the default), {@code import --from DSN}, {@code backup FILE},
 * {@code restore FILE [--force]}.
 */
public final class Launcher {

    /** Set on the JVM the launcher started with the small-host options (see {@link #relaunch}). */
    static final String RELAUNCHED = "shm.launcher.relaunched";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Settings settings;
    private final Path home;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private EmbeddedDatabase database;
    private PayaraServer payara;
    /** Kept reachable for the life of the JVM (see {@link #lockDataFolder}). */
    private FileLock dataFolderLock;
    private volatile boolean stopping;

    Launcher(Settings settings, Path home) {
        this.settings = settings;
        this.home = home;
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 || args[0].startsWith("-") ? "run" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        if (!command.equals("run")) {
            // The commands print their own progress: only the warnings of the libraries they use (embedded PostgreSQL, Liquibase).
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
        int exit;
        try {
            exit = switch (command) {
                case "run" -> run(rest);
                case "import" -> ImportCommand.run(List.of(rest), System.getenv(), installationFolder());
                case "backup" -> Backup.run(Settings.fromEnvironment(System.getenv()), installationFolder(), rest);
                case "restore" -> Restore.run(Settings.fromEnvironment(System.getenv()), installationFolder(), rest);
                case "help" -> usage(0);
                default -> usage(2);
            };
        } catch (IllegalArgumentException e) {
            Console.fail(e.getMessage());
            exit = 2;
        }
        System.exit(exit);
    }

    private static int usage(int exit) {
        Console.OUT.println("""
                Usage: java -jar shm.jar [run]                 the server (embedded PostgreSQL unless SHM_DB_URL is set)
                       java -jar shm.jar import --from DSN     an original SHM server's database, copied into this one
                       java -jar shm.jar backup FILE           a consistent copy of the whole database, while it runs
                       java -jar shm.jar restore FILE [--force]   into an empty data folder (or SHM_DB_URL's empty database)
                Settings are environment variables (SHM_*): see README.md.""");
        return exit;
    }

    private static int run(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment(System.getenv());
        if (relaunchNeeded()) {
            return relaunch(settings, args);
        }
        Launcher launcher = new Launcher(settings, installationFolder());
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "shm-launcher-stop"));
        return launcher.run();
    }

    /**
     * The JVM options (heap, collector...) must be given to the JVM that runs the server. A JVM
     * started with a heap limit of its own ({@code java -Xmx... -jar}, the Docker image, a service unit)
     * runs the server itself; a bare {@code java -jar} starts, once, the JVM with SHM_JAVA_OPTS and
     * waits for it, forwarding SIGTERM (a waiting JVM of a few MiB: see README).
     */
    static boolean relaunchNeeded() {
        if (System.getProperty(RELAUNCHED) != null) {
            return false;
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(option -> option.startsWith("-Xmx") || option.startsWith("-XX:MaxHeapSize")
                        || option.startsWith("-XX:MaxRAM"));
    }

    private static int relaunch(Settings settings, String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.javaOptions());
        ClassDataArchive archive = null;
        if (!ClassDataArchive.chosenIn(settings.javaOptions())) {
            archive = ClassDataArchive.of(settings.dataDirectory().resolve("cache"), installationFolder());
            command.addAll(archive.javaOptions());
        }
        command.add("-D" + RELAUNCHED + "=true");
        command.add("-jar");
        command.add(installationFolder().resolve("shm.jar").toString());
        command.addAll(List.of(args));
        Process server = new ProcessBuilder(command).inheritIO().start();
        ServerJvm jvm = new ServerJvm(server, archive);
        Runtime.getRuntime().addShutdownHook(new Thread(jvm::stop, "shm-relaunch-stop"));
        return jvm.awaitExit();
    }

    /**
     * The server's JVM as the waiting launcher sees it. Its archive recording is kept once it has
     * exited, from the main thread or, on SIGTERM, from the shutdown hook (the main thread does not
     * run on after the hooks).
     */
    private static final class ServerJvm {

        /** Exits after which the JVM wrote its archive: normal, given up (1), Ctrl-C, SIGTERM. Not SIGKILL. */
        private static final List<Integer> ARCHIVED_EXITS = List.of(0, 1, 130, 143);

        private final Process process;
        private final ClassDataArchive archive;

        ServerJvm(Process process, ClassDataArchive archive) {
            this.process = process;
            this.archive = archive;
        }

        int awaitExit() throws InterruptedException {
            int exit = process.waitFor();
            keepArchive(exit);
            return exit;
        }

        void stop() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        return;
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    return;
                }
            }
            keepArchive(process.exitValue());
        }

        private synchronized void keepArchive(int exit) {
            if (archive != null && ARCHIVED_EXITS.contains(exit)) {
                try {
                    archive.recorded();
                } catch (IOException e) {
                    // the next start records it again
                }
            }
        }
    }

    int run() throws Exception {
        long started = System.nanoTime();
        settings.notices().forEach(Console::say);
        Path war = home.resolve("shm.war");
        Path payaraMicro = home.resolve("lib").resolve("payara-micro.jar");
        for (Path required : List.of(war, payaraMicro)) {
            if (!Files.isRegularFile(required)) {
                Console.fail(required + " is missing: build with 'mvn package' first");
                return 1;
            }
        }
        // Before anything starts: a readiness probe on a taken port would reach the other server.
        if (!portFree(settings.httpPort())) {
            Console.fail("Port " + settings.httpPort() + " is already in use (another server listens on it): stop it, or set SHM_PORT");
            return 1;
        }
        boolean ownLog = !settings.payaraOptions().contains("--logproperties");
        Path logProperties = ownLog ? ServerLog.configure(settings.logDirectory(), payaraMicro, settings.debugLog()) : null;
        if (settings.databaseUrl() == null) {
            Console.say("Data folder: " + settings.dataDirectory());
            if (!lockDataFolder()) {
                Console.fail("Another SHM server runs on the data folder " + settings.dataDirectory()
                        + ": stop it, or give this one another SHM_DATA_DIR");
                return 1;
            }
            database = EmbeddedDatabase.start(settings.postgresDirectory(),
                    settings.logDirectory().resolve("postgresql.log"), settings.embeddedDatabasePort(), this::giveUp);
            Console.say("PostgreSQL is up on localhost:" + database.port());
            // The server reads these through MicroProfile Config, where system properties win over the environment.
            System.setProperty("shm.db.url", database.jdbcUrl());
            System.setProperty("shm.db.user", "postgres");
            System.setProperty("shm.db.password", "postgres");
        } else {
            Console.say("Using the PostgreSQL database at " + redact(settings.databaseUrl()));
        }
        Console.say("Starting the server on port " + settings.httpPort()
                + (ownLog ? "; full log in " + settings.logDirectory().resolve(ServerLog.FILE_NAME.replace("%g", "0")) : ""));
        try {
            if (!settings.payaraOptions().contains("--rootdir")) {
                PayaraServer.forgetLastRun(payaraRootDirectory());
            }
            payara = PayaraServer.boot(payaraArguments(war, logProperties));
        } catch (Exception e) {
            Console.fail("Payara Micro did not start: " + oneLine(e, ConsoleLog.firstError()), e);
            return 1;
        }
        if (payara.deployedApplications().isEmpty()) {
            Console.fail("The server did not deploy: " + (ConsoleLog.firstError() != null ? ConsoleLog.firstError()
                    : "see " + settings.logDirectory()));
            return 1;
        }
        int answer = awaitReady();
        if (answer == HttpURLConnection.HTTP_NOT_FOUND) {
            // Payara Micro booted but serves no application: the WAR failed to deploy.
            Console.fail("The server did not deploy: " + (ConsoleLog.firstError() != null ? ConsoleLog.firstError()
                    : "see " + settings.logDirectory()));
            return 1;
        }
        if (answer != HttpURLConnection.HTTP_OK) {
            Console.fail("The server deployed but did not answer on port " + settings.httpPort() + " within "
                    + READY_TIMEOUT.toSeconds() + " s");
            return 1;
        }
        Console.say(String.format("SHM server is ready at http://localhost:%d/ (started in %.1f s)",
                settings.httpPort(), (System.nanoTime() - started) / 1e9));
        stopped.await();
        return 0;
    }

    /**
     * One server per data folder: the lock is held for the life of this JVM and released by the operating
     * system however it ends, a SIGKILL included. Holding it, this server may treat a PostgreSQL still
     * running on the folder as left over by a server that died (see {@link EmbeddedDatabase#start}).
     */
    private boolean lockDataFolder() throws IOException {
        Files.createDirectories(settings.dataDirectory());
        FileChannel channel = FileChannel.open(settings.dataDirectory().resolve("server.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            return false;
        }
        dataFolderLock = lock;
        return true;
    }

    private List<String> payaraArguments(Path war, Path logProperties) {
        List<String> arguments = new ArrayList<>(List.of(
                "--deploy", war.toString(),
                "--contextroot", "/",
                "--port", Integer.toString(settings.httpPort()),
                // Payara Micro otherwise reports its version and environment to Payara's servers; a
                // privacy-first server calls nobody.
                "--disablephonehome"));
        if (!settings.clustered()) {
            // A single node needs no data grid; SHM_CLUSTER_ENABLED=true keeps it (see server-config/cluster.asadmin).
            // --nohazelcast rather than --nocluster: the latter still starts Hazelcast as a cluster of one
            // (seconds of the boot, tens of MiB, ports from 6900 up), which nothing here uses.
            arguments.add("--nohazelcast");
        } else if (settings.clusterMembers() != null) {
            arguments.addAll(List.of("--clustermode", "tcpip:" + settings.clusterMembers().replaceAll("\\s", "")));
        }
        if (logProperties != null) {
            arguments.addAll(List.of("--logproperties", logProperties.toString()));
        }
        if (!settings.payaraOptions().contains("--rootdir")) {
            // Payara Micro's runtime folder (its configuration, the exploded WAR), kept beside the data
            // rather than in a temporary folder that the system may clean while the server runs.
            arguments.addAll(List.of("--rootdir", payaraRootDirectory().toString()));
        }
        arguments.addAll(settings.payaraOptions());
        return arguments;
    }

    private Path payaraRootDirectory() {
        return settings.dataDirectory().resolve("payara");
    }

    /**
     * Payara Micro has deployed when it returns from boot: this checks that the port answers, and with
     * the application (a 404 is Payara Micro without it).
     *
     * @return the status of the health check's answer, or -1 when none came
     */
    private int awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !stopping) {
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(
                        "http://localhost:" + settings.httpPort() + "/api/v1/healthcheck").openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(10_000);
                try {
                    int status = connection.getResponseCode();
                    if (status == HttpURLConnection.HTTP_OK || status == HttpURLConnection.HTTP_NOT_FOUND) {
                        return status;
                    }
                } finally {
                    connection.disconnect();
                }
            } catch (IOException notYet) {
                // the listener is still starting
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return -1;
    }

    static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** PostgreSQL cannot be kept running: stop everything and exit 1, from a thread of its own. */
    private void giveUp(String reason) {
        Console.fail(reason + "; stopping the server");
        Thread exit = new Thread(() -> System.exit(1), "shm-give-up");
        exit.start();
    }

    /** Idempotent: run by the shutdown hook, on SIGTERM, Ctrl-C or an exit after a failure. */
    synchronized void stop() {
        stopping = true;
        if (payara != null) {
            Console.print("Stopping the server");
            if (Console.logging) {
                // Payara gives System.out back while it stops and prints a line of its own there
                // (JdbcRuntimeExtension's resource list): it goes to the log (while the log is still open), not the console.
                System.setOut(Console.logOnly("javax.enterprise.logging.stdout"));
            }
            try {
                payara.shutdown();
            } catch (Exception e) {
                Console.print("The server did not stop cleanly: " + oneLine(e, null));
            }
            payara = null;
        }
        if (database != null) {
            Console.print("Stopping PostgreSQL");
            database.close();
            database = null;
        }
        stopped.countDown();
    }

    static String oneLine(Throwable e, String fallback) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if ((text == null || text.isBlank()) && fallback != null) {
            text = fallback;
        }
        return String.valueOf(text).replaceAll("\\s+", " ").trim();
    }

    static Path installationFolder() throws URISyntaxException {
        return Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }

    static String redact(String jdbcUrl) {
        // JDBC URLs carry a password as a parameter, libpq URLs (SHM_DB_DSN) also as user:password@.
        return jdbcUrl.replaceAll("(?i)(password=)[^&\\s]*", "$1***").replaceAll("(://[^/@:]*:)[^/]*@", "$1***@");
    }
}
