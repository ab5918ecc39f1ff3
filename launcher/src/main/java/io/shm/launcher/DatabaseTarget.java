package io.shm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The database a command works on, as the server would use it: {@code SHM_DB_URL} when set (with
 * {@code SHM_DB_USER}, {@code SHM_DB_PASSWORD}); otherwise the embedded PostgreSQL of
 * {@code SHM_DATA_DIR}, reached where it runs when the server is up (its postmaster.pid names the
 * port), or started for the command and stopped after it.
 */
final class DatabaseTarget implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final String description;
    private final EmbeddedDatabase started;

    private DatabaseTarget(String url, String user, String password, String description, EmbeddedDatabase started) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.description = description;
        this.started = started;
    }

    static DatabaseTarget open(Settings settings) throws IOException, SQLException {
        if (settings.databaseUrl() != null) {
            return new DatabaseTarget(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(),
                    "the PostgreSQL database at " + Launcher.redact(settings.databaseUrl()), null);
        }
        Path postgres = settings.postgresDirectory();
        Integer runningPort = runningPort(postgres);
        if (runningPort != null) {
            return new DatabaseTarget("jdbc:postgresql://localhost:" + runningPort + "/" + Settings.EMBEDDED_DATABASE,
                    "postgres", "postgres", "the embedded PostgreSQL of " + settings.dataDirectory() + " (running)", null);
        }
        EmbeddedDatabase database = EmbeddedDatabase.startUnsupervised(postgres,
                settings.logDirectory().resolve("postgresql.log"));
        return new DatabaseTarget(database.jdbcUrl(), "postgres", "postgres",
                "the embedded PostgreSQL of " + settings.dataDirectory(), database);
    }

    /** The port of the embedded PostgreSQL running on this data folder, or null when none runs. */
    static Integer runningPort(Path postgresDirectory) {
        try {
            List<String> lines = Files.readAllLines(postgresDirectory.resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).trim());
            if (lines.size() > 3 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Integer.parseInt(lines.get(3).trim());
            }
        } catch (IOException | RuntimeException notRunning) {
            // no postmaster.pid, or not one of a running server
        }
        return null;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** A connection with further driver properties ({@code ApplicationName}, timeouts). */
    Connection connect(Properties properties) throws SQLException {
        Properties all = new Properties();
        all.putAll(properties);
        all.setProperty("user", user);
        all.setProperty("password", password);
        return DriverManager.getConnection(url, all);
    }

    /** Whether PostgreSQL was started for this command, to be stopped by {@link #close()}. */
    boolean startedHere() {
        return started != null;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        if (started != null) {
            started.close();
        }
    }
}
