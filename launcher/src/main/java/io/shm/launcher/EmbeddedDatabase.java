package io.shm.launcher;

import io.shm.postgres.LocalPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The embedded PostgreSQL, supervised: when its postmaster dies, it is started again on the same data
 * folder and port (PostgreSQL replays its write-ahead log: every committed transaction is there), so
 * the server's pool reconnects by itself. After {@value #MAX_RESTARTS} restarts within
 * {@link #RESTART_WINDOW} something is wrong that a restart does not cure (a full disk, a broken data
 * folder): it gives up and tells the launcher, which stops the whole server.
 */
final class EmbeddedDatabase implements AutoCloseable {

    static final int MAX_RESTARTS = 5;
    static final Duration RESTART_WINDOW = Duration.ofMinutes(10);
    private static final Duration START_WITHIN = Duration.ofSeconds(60);
    private static final long WATCH_MILLIS = 200;
    private static final Duration LEFT_OVER_STOP = Duration.ofSeconds(20);

    private final Path dataDirectory;
    private final Path logFile;
    private final int port;
    private final Consumer<String> giveUp;
    private final Deque<Instant> restarts = new ArrayDeque<>();
    private EmbeddedPostgres postgres;
    private volatile boolean stopping;
    private Thread watcher;

    private EmbeddedDatabase(Path dataDirectory, Path logFile, int port, Consumer<String> giveUp) {
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.port = port;
        this.giveUp = giveUp;
    }

    /**
     * Starts PostgreSQL (creating the data folder and the {@code shm} database the first time).
     *
     * @param port   0 for any free one; kept for every restart, as the server's JDBC URL names it
     * @param giveUp told why, once, when PostgreSQL cannot be kept running
     */
    static EmbeddedDatabase start(Path dataDirectory, Path logFile, int port, Consumer<String> giveUp)
            throws IOException, SQLException {
        EmbeddedDatabase database = new EmbeddedDatabase(dataDirectory, logFile, port > 0 ? port : LocalPostgres.freePort(), giveUp);
        database.stopLeftOverPostgres();
        database.startPostgres();
        database.createDatabase();
        database.watch();
        return database;
    }

    /** Starts PostgreSQL for a command (backup, restore) and stops it on {@link #close()}, unsupervised. */
    static EmbeddedDatabase startUnsupervised(Path dataDirectory, Path logFile) throws IOException, SQLException {
        EmbeddedDatabase database = new EmbeddedDatabase(dataDirectory, logFile, LocalPostgres.freePort(), reason -> { });
        database.startPostgres();
        database.createDatabase();
        return database;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + Settings.EMBEDDED_DATABASE;
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        return postgres.getDatabase("postgres", Settings.EMBEDDED_DATABASE).getConnection();
    }

    /**
     * A postmaster still running on this data folder was left by a server that died without stopping it
     * (killed, out of memory, a crashed JVM): the caller holds the folder's lock, so no live server uses
     * it. It is asked to stop (SIGTERM; nothing is connected to it any more), then killed if it does not
     * within {@link #LEFT_OVER_STOP}; PostgreSQL's crash recovery makes the start below safe either way.
     * Without this, the start would wait a minute for a port the old postmaster will never give up.
     */
    private void stopLeftOverPostgres() throws IOException {
        Optional<ProcessHandle> postmaster = LocalPostgres.postmasterPid(dataDirectory)
                .filter(LocalPostgres::isRunning)
                .flatMap(ProcessHandle::of)
                .filter(process -> process.info().commandLine().orElse("").contains(dataDirectory.toString()));
        if (postmaster.isEmpty()) {
            return;
        }
        Console.say("PostgreSQL of an earlier run still runs on this data folder (pid " + postmaster.get().pid()
                + "), its server gone; stopping it");
        try {
            postmaster.get().destroy();
            if (!waitForExit(postmaster.get(), LEFT_OVER_STOP)) {
                postmaster.get().destroyForcibly();
                if (!waitForExit(postmaster.get(), LEFT_OVER_STOP)) {
                    throw new IOException("PostgreSQL of an earlier run (pid " + postmaster.get().pid()
                            + ") could not be stopped; stop it, then start again");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL of an earlier run", e);
        }
    }

    private static boolean waitForExit(ProcessHandle process, Duration within) throws InterruptedException {
        try {
            process.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException unexpected) {
            return !process.isAlive();
        }
    }

    private void startPostgres() throws IOException {
        postgres = LocalPostgres.in(dataDirectory)
                .port(port)
                // PostgreSQL's own log, beside the server's, not on the console.
                .logTo(logFile)
                .durable()
                // A small host: the server's pool holds at most 32 connections, plus backup and a psql.
                .setting("max_connections", "50")
                .setting("shared_buffers", "64MB")
                .start();
    }

    private void createDatabase() throws SQLException {
        LocalPostgres.createDatabase(postgres, Settings.EMBEDDED_DATABASE);
    }

    /**
     * pg_ctl starts the postmaster in the background and exits: it is no child of this JVM, so it is
     * watched by the number in its postmaster.pid.
     */
    private void watch() {
        long pid = LocalPostgres.postmasterPid(dataDirectory).orElseThrow(() -> new IllegalStateException("PostgreSQL wrote no postmaster.pid"));
        watcher = new Thread(() -> {
            try {
                long watched = pid;
                while (!stopping) {
                    TimeUnit.MILLISECONDS.sleep(WATCH_MILLIS);
                    if (!stopping && !LocalPostgres.isRunning(watched)) {
                        if (!restart()) {
                            return;
                        }
                        watched = LocalPostgres.postmasterPid(dataDirectory).orElse(-1L);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shm-postgres-supervisor");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** @return whether PostgreSQL runs again */
    private synchronized boolean restart() throws InterruptedException {
        Instant now = Instant.now();
        while (!restarts.isEmpty() && restarts.peekFirst().isBefore(now.minus(RESTART_WINDOW))) {
            restarts.removeFirst();
        }
        if (restarts.size() >= MAX_RESTARTS) {
            giveUp.accept("PostgreSQL stopped " + (MAX_RESTARTS + 1) + " times within " + RESTART_WINDOW.toMinutes()
                    + " minutes; see " + logFile);
            return false;
        }
        restarts.addLast(now);
        Console.say("PostgreSQL stopped unexpectedly; restarting it (crash recovery), restart "
                + restarts.size() + " of " + MAX_RESTARTS + " allowed within " + RESTART_WINDOW.toMinutes() + " minutes");
        closeQuietly();
        long started = System.nanoTime();
        long deadline = started + START_WITHIN.toNanos();
        while (!stopping) {
            try {
                startPostgres();
                Console.say(String.format("PostgreSQL is back after %.1f s", (System.nanoTime() - started) / 1e9));
                return true;
            } catch (IOException | RuntimeException e) {
                // Backends of the killed postmaster may still hold its shared memory for a moment.
                closeQuietly();
                if (System.nanoTime() > deadline) {
                    giveUp.accept("PostgreSQL could not be restarted: " + e.getMessage() + "; see " + logFile);
                    return false;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        return false;
    }

    private void closeQuietly() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException alreadyGone) {
                // its postmaster is dead: only the data folder's lock is released here
            }
            postgres = null;
        }
    }

    /** Stops PostgreSQL (a fast shutdown: open transactions roll back, committed ones are on disk). */
    @Override
    public void close() {
        stopping = true;
        if (watcher != null) {
            watcher.interrupt();
        }
        synchronized (this) {
            stopPostgres();
        }
    }

    private void stopPostgres() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                Console.say("PostgreSQL did not stop cleanly: " + e);
            }
            postgres = null;
        }
    }
}
