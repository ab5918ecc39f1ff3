package io.shm.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -jar shm.jar import --from <DSN>}: copies the original SHM server's database (given as
 * its {@code SHM_DB_DSN}) into the database this server is configured with. The source is checked in
 * full before anything is written; the import is one transaction.
 *
 * <p>Exit codes: 0 imported (or nothing new), 1 the target database failed (nothing written),
 * 2 a bad command line or source: a malformed DSN, an unreachable database, one that is not an SHM
 * database or only half migrated (nothing written).
 */
final class ImportCommand {

    static final int OK = 0;
    static final int TARGET_FAILED = 1;
    static final int BAD_SOURCE = 2;

    static final int DEFAULT_RETENTION_DAYS = 90;
    static final int DEFAULT_CLOCK_SKEW_SECONDS = 300;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Map<String, String> env;
    private final Path home;
    private volatile Phase phase;

    private ImportCommand(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    static int run(List<String> args, Map<String, String> env, Path home) {
        if (args.size() != 2 || !args.get(0).equals("--from")) {
            fail("usage: java -jar shm.jar import --from postgres://user:password@host:port/database?sslmode=disable");
            return BAD_SOURCE;
        }
        return new ImportCommand(env, home).importFrom(args.get(1));
    }

    private int importFrom(String dsnText) {
        OriginalDsn dsn;
        Settings settings;
        int retentionDays;
        int clockSkew;
        try {
            dsn = OriginalDsn.parse(dsnText);
            settings = Settings.fromEnvironment(env);
            retentionDays = positive("SHM_RETENTION_DAYS", DEFAULT_RETENTION_DAYS);
            clockSkew = positive("SHM_INGEST_CLOCK_SKEW_SECONDS", DEFAULT_CLOCK_SKEW_SECONDS);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return BAD_SOURCE;
        }
        Instant now = Instant.now();
        Instant cutoff = now.minus(Duration.ofDays(retentionDays));
        Instant latestAllowed = now.plusSeconds(clockSkew);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "shm-import-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::report, PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        try (OriginalDatabase source = OriginalDatabase.open(dsn)) {
            say("Reading " + dsn);
            phase("counting snapshots", 0, new AtomicLong());
            OriginalDatabase.Counts counts = source.counts(cutoff, latestAllowed);
            say(String.format("%,d snapshots: %,d to import, %,d older than %d days (SHM_RETENTION_DAYS) skipped,"
                    + " %,d dated in the future skipped", counts.total(), counts.inWindow(), counts.older(), retentionDays,
                    counts.future()));
            phase("opening this server's database", 0, new AtomicLong());
            try (TargetDatabase target = TargetDatabase.open(settings)) {
                say("Writing into " + target.description());
                phase("applying this server's schema", 0, new AtomicLong());
                if (target.ensureSchema(home.resolve("shm.war"))) {
                    say("Created this server's schema (the server had not run on this database yet)");
                }
                if (counts.earliestKept() != null) {
                    target.ensurePartitions(counts.earliestKept(), now);
                }
                long importing = System.nanoTime();
                SnapshotImport.Result result = new SnapshotImport(target.connection(), this::phase)
                        .run(source, counts, cutoff, latestAllowed);
                phase = null;
                summarize(result, counts, retentionDays, (System.nanoTime() - importing) / 1e9);
                return OK;
            } catch (SQLException | IOException | RuntimeException e) {
                fail("the import failed and wrote nothing: " + OriginalDatabase.firstLine(String.valueOf(e.getMessage())));
                return TARGET_FAILED;
            }
        } catch (OriginalDatabase.Refused e) {
            fail(e.getMessage());
            return BAD_SOURCE;
        } catch (SQLException e) {
            fail("cannot read " + dsn + ": " + OriginalDatabase.firstLine(e.getMessage()));
            return BAD_SOURCE;
        } finally {
            ticker.shutdownNow();
        }
    }

    private void summarize(SnapshotImport.Result r, OriginalDatabase.Counts counts, int retentionDays, double seconds) {
        if (r.nothingNew()) {
            say(String.format("Nothing new: %,d applications, %,d instances, %,d snapshots already present",
                    r.applicationsPresent(), r.instancesPresent(), r.snapshotsPresent()));
        } else {
            say(String.format("Imported %,d applications, %,d instances, %,d snapshots in %.1f s (%,.0f snapshots/s)"
                    + " into one transaction, now committed",
                    r.applicationsAdded(), r.instancesAdded(), r.snapshotsAdded(), seconds,
                    seconds > 0 ? r.snapshotsAdded() / seconds : 0));
            say(String.format("Already present: %,d applications, %,d instances, %,d snapshots",
                    r.applicationsPresent(), r.instancesPresent(), r.snapshotsPresent()));
            say(String.format("Marked %,d hour, day and week buckets for the server's rollup job: fleet series and"
                    + " values follow within a minute of the server running", r.bucketsMarked()));
        }
        if (r.instancesConflicting() > 0) {
            say(String.format("Skipped %,d instances already here with another public key (conflicts, left as they are)",
                    r.instancesConflicting()));
        }
        if (r.instancesUnreadableKey() > 0) {
            say(String.format("Skipped %,d instances whose stored public key is not 64 hex characters",
                    r.instancesUnreadableKey()));
        }
        long skippedSnapshots = r.snapshotsOfSkippedInstances() + r.snapshotsOutsideLimits() + counts.older() + counts.future();
        if (skippedSnapshots > 0) {
            say(String.format("Skipped %,d snapshots: %,d older than %d days, %,d dated in the future, %,d of skipped"
                    + " instances, %,d not a JSON object or with a key over %d or a text value over %d characters",
                    skippedSnapshots, counts.older(), retentionDays, counts.future(), r.snapshotsOfSkippedInstances(),
                    r.snapshotsOutsideLimits(), OriginalValues.MAX_KEY_LENGTH, OriginalValues.MAX_STRING_LENGTH));
        }
    }

    private record Phase(String name, long total, AtomicLong done, long startedNanos) {
    }

    private void phase(String name, long total, AtomicLong done) {
        phase = new Phase(name, total, done, System.nanoTime());
    }

    /** A progress line: where the current phase is, its rate and the time it has left. */
    private void report() {
        Phase current = phase;
        if (current == null) {
            return;
        }
        long done = current.done().get();
        double seconds = (System.nanoTime() - current.startedNanos()) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        if (done == 0) {
            say(String.format("%s (%.0f s so far)", current.name(), seconds));
            return;
        }
        if (current.total() <= 0) {
            say(String.format("%s: %,d so far (%.0f s)", current.name(), done, seconds));
            return;
        }
        long left = rate > 0 ? Math.round((current.total() - done) / rate) : 0;
        say(String.format("%s: %,d of %,d (%d %%), %,.0f/s, about %s left", current.name(), done, current.total(),
                done * 100 / current.total(), rate, left >= 120 ? (left / 60) + " min" : left + " s"));
    }

    private int positive(String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number < 1) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive whole number, not '" + value + "'");
        }
    }

    static void say(String message) {
        System.out.println(LocalTime.now().format(TIME) + " [shm import] " + message);
        System.out.flush();
    }

    /** The one line an operator reads when the import refuses or fails. */
    static void fail(String message) {
        System.err.println("shm import: " + message);
        System.err.flush();
    }
}
