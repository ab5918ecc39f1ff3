package io.shm.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {

    @Test
    void aDurablePostgresKeepsItsDataAndPortAcrossAKillAndARestart() throws IOException, SQLException {
        Path data = fresh("local-postgres-durable");
        Path log = data.resolveSibling("local-postgres-durable.log");
        int port = LocalPostgres.freePort();
        EmbeddedPostgres first = LocalPostgres.in(data).port(port).durable().logTo(log).start();
        assertEquals(port, first.getPort());
        assertEquals("on", setting(first, "fsync"));
        assertEquals("on", setting(first, "synchronous_commit"));
        LocalPostgres.createDatabase(first, "kept");
        LocalPostgres.createDatabase(first, "kept"); // a second time changes nothing
        try (Connection connection = first.getDatabase(LocalPostgres.SUPERUSER, "kept").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (v int); INSERT INTO t VALUES (42)");
        }
        long killed = LocalPostgres.postmasterPid(data).orElseThrow();
        assertTrue(LocalPostgres.isRunning(killed));
        ProcessHandle postmaster = ProcessHandle.of(killed).orElseThrow();
        List<ProcessHandle> backends = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        postmaster.onExit().join();
        // Orphaned backends notice their postmaster's death and exit; until then they hold its shared memory.
        backends.forEach(backend -> backend.onExit().join());
        assertFalse(LocalPostgres.isRunning(killed));
        try {
            first.close();
        } catch (IOException stoppingAKilledPostgres) {
            // pg_ctl finds no postmaster to stop: expected, the data folder is what matters
        }
        assertTrue(Files.exists(data.resolve("postmaster.pid")), "a killed postmaster leaves its pid file");
        try (EmbeddedPostgres postgres = LocalPostgres.in(data).port(port).durable().logTo(log).start();
             Connection connection = postgres.getDatabase(LocalPostgres.SUPERUSER, "kept").getConnection();
             Statement statement = connection.createStatement();
             ResultSet kept = statement.executeQuery("SELECT v FROM t")) {
            assertTrue(kept.next());
            assertEquals(42, kept.getInt(1));
            assertFalse(LocalPostgres.postmasterPid(data).orElseThrow() == killed);
        }
        assertTrue(Files.size(log) > 0, "PostgreSQL's output goes to its log file");
    }

    @Test
    void aThrowawayPostgresRunsWithoutFsync() throws IOException, SQLException {
        try (EmbeddedPostgres postgres = LocalPostgres.in(fresh("local-postgres-throwaway")).start()) {
            assertEquals("off", setting(postgres, "fsync"));
            assertTrue(LocalPostgres.postmasterPid(Path.of("target", "local-postgres-throwaway").toAbsolutePath())
                    .map(LocalPostgres::isRunning).orElse(false));
        }
    }

    private static String setting(EmbeddedPostgres postgres, String name) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet value = statement.executeQuery("SHOW " + name)) {
            value.next();
            return value.getString(1);
        }
    }

    private static Path fresh(String name) throws IOException {
        Path directory = Path.of("target", name).toAbsolutePath();
        if (Files.exists(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return directory;
    }
}
