package io.shm.testing;

import io.shm.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The real PostgreSQL of the integration tests: one embedded server for the whole test run, started
 * before Payara Micro (see {@link TestDatabaseSession}) and stoppable in the middle of a test to prove
 * that the server recovers by itself. It keeps its port and data folder across a restart.
 */
public final class TestDatabase {

    public static final String DATABASE = "shm";
    public static final String USER = LocalPostgres.SUPERUSER;
    public static final String PASSWORD = "postgres";

    private static TestDatabase instance;

    private final Path dataDirectory;
    private int port;
    private EmbeddedPostgres postgres;

    private TestDatabase(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** The running test database, started on first use. */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            Path dir = Path.of(System.getProperty("shm.test.db.dir", "target/it-postgres")).toAbsolutePath();
            instance = new TestDatabase(dir);
            instance.start(true);
            instance.createDatabase(DATABASE);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "test-postgres-stop"));
        }
        return instance;
    }

    public synchronized void start() {
        start(false);
    }

    private void start(boolean fresh) {
        if (postgres != null) {
            return;
        }
        try {
            if (fresh) {
                LocalMachine.deleteRecursively(dataDirectory);
            }
            postgres = LocalPostgres.in(dataDirectory).port(port).start();
            port = postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test PostgreSQL", e);
        }
    }

    /** Stops PostgreSQL (fast shutdown: open connections are cut, as in a real outage). */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            postgres = null;
        }
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    public synchronized DataSource dataSource() {
        return dataSource(DATABASE);
    }

    public synchronized DataSource dataSource(String database) {
        if (postgres == null) {
            throw new IllegalStateException("the test database is stopped");
        }
        return postgres.getDatabase(USER, database);
    }

    public void createDatabase(String name) {
        try {
            LocalPostgres.createDatabase(postgres, name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }
}
