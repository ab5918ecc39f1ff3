package io.shm.ingest.control;

import io.shm.instance.entity.SignedInstance;
import io.shm.persistence.control.Jdbc;
import io.shm.platform.RefusedException;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Group commit for accepted snapshots: concurrent requests are written together. A request, once its
 * checks passed, hands its write to the writers and waits; a writer takes the first write waiting,
 * collects the others that arrive within {@code SHM_INGEST_BATCH_DELAY_MS} (2 ms by default) up to
 * {@code SHM_INGEST_BATCH_SIZE} (64), writes them with one {@link SnapshotStore#STORE} statement (or
 * one per snapshot an instance has in the batch beyond its first) in one transaction, and commits once:
 * one WAL flush, one pool checkout and validation, one statement to plan and start for the whole batch
 * instead of one each per snapshot. Only then does each request get its answer: 202 for a stored
 * snapshot, the refusal of one the statement did not store (a replay, including one that lost to a
 * later snapshot of the same instance earlier in the batch; a revoked or unknown instance), 503 for
 * every request of a batch whose commit failed. A delay of 0 turns batching off: each request writes
 * its own snapshot in its own transaction.
 *
 * <p>Order and the replay rule per instance are those of single writes: an instance's snapshots in a
 * batch are written in the order their requests arrived, each seeing the ones before
 * ({@link SnapshotStore#rounds}). Two writers (one collects while the other writes) lock instances in
 * the order of their row ids, so that two batches never wait for each other in a cycle. A statement
 * that fails (a value the database refuses, a deadlock with another job) rolls the batch back, and its
 * snapshots are then written one by one, each with its own outcome.
 *
 * <p>The writers are threads of the platform's {@link ManagedThreadFactory}, started with the first
 * snapshot and stopped with the application; the requests wait on their own threads (bounded, see
 * {@link #WAIT_SECONDS}), as the signature and rate-limit checks before them do.
 */
@ApplicationScoped
public class SnapshotWriter {

    private static final Logger LOG = Logger.getLogger(SnapshotWriter.class.getName());
    /** One batch is written while the next is collected: more would only wait on each other's locks. */
    static final int WRITERS = 2;
    /** A request waits at most this long for its batch (the pool's wait and timeouts are far shorter). */
    static final long WAIT_SECONDS = 20;
    /** A commit whose outcome the server cannot know: class 08, so that every request of the batch gets 503. */
    static final String COMMIT_FAILED = "08007";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    SnapshotStore store;

    @Inject
    @ConfigProperty(name = "shm.ingest.batch-delay-ms", defaultValue = "2")
    long delayMillis;

    @Inject
    @ConfigProperty(name = "shm.ingest.batch-size", defaultValue = "64")
    int batchSize;

    private final LinkedBlockingQueue<Write> waiting = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private final ReentrantLock collector = new ReentrantLock();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batched = new AtomicLong();
    private volatile boolean started;
    private volatile boolean stopped;

    /** A snapshot waiting for its batch, and its outcome: stored, or the refusal or failure to answer with. */
    record Write(SignedInstance signer, SnapshotStore.Row row, CompletableFuture<Void> outcome) {
    }

    /**
     * Stores the snapshot, alone or with others, and returns once it is committed.
     *
     * @throws RefusedException as {@link SnapshotStore#store} refuses (replayed, revoked, unknown)
     * @throws SQLException when it could not be stored (the database unavailable, the batch's commit failed)
     */
    public void write(SignedInstance signer, Instant receivedAt, Instant clientTimestamp, JsonObject metrics)
            throws SQLException {
        if (delayMillis <= 0 || batchSize <= 1) {
            store.store(signer, receivedAt, clientTimestamp, metrics);
            return;
        }
        startWriters();
        Write write = new Write(signer, new SnapshotStore.Row(signer.rowId(), receivedAt, clientTimestamp, metrics.toString()),
                new CompletableFuture<>());
        waiting.add(write);
        if (stopped) {
            fail(List.of(write), new SQLTransientConnectionException("the server is stopping", "57P01"));
        }
        try {
            write.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RefusedException refused) {
                throw refused;
            }
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new SQLTransientConnectionException("the snapshot's batch was not written within " + WAIT_SECONDS + " s", "08000", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while the snapshot's batch was written", "08000", e);
        }
    }

    /** Batches committed since the start, and the snapshots they held (for JMX and tests). */
    public long batches() {
        return batches.get();
    }

    public long batchedSnapshots() {
        return batched.get();
    }

    private void startWriters() {
        if (!started) {
            startWritersOnce();
        }
    }

    private synchronized void startWritersOnce() {
        if (started || stopped) {
            return;
        }
        started = true;
        for (int i = 0; i < WRITERS; i++) {
            Thread writer = threadFactory.newThread(this::run);
            writer.setName("shm-snapshot-writer-" + (i + 1));
            writer.start();
            writers.add(writer);
        }
    }

    @PreDestroy
    synchronized void stop() {
        stopped = true;
        writers.forEach(Thread::interrupt);
        List<Write> left = new ArrayList<>();
        waiting.drainTo(left);
        fail(left, new SQLTransientConnectionException("the server is stopping", "57P01"));
    }

    private void run() {
        while (!stopped) {
            List<Write> batch;
            try {
                // One writer collects while the other writes: two collecting at once would split a batch.
                collector.lockInterruptibly();
                try {
                    batch = collect(waiting.take());
                } finally {
                    collector.unlock();
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                write(batch);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "A batch of snapshots failed unexpectedly", e);
                fail(batch, e);
            }
        }
    }

    /** The first write and those arriving within the delay, up to the batch size. */
    private List<Write> collect(Write first) throws InterruptedException {
        List<Write> batch = new ArrayList<>(Math.min(batchSize, 64));
        batch.add(first);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        while (batch.size() < batchSize) {
            long left = deadline - System.nanoTime();
            Write next = left > 0 ? waiting.poll(left, TimeUnit.NANOSECONDS) : waiting.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    void write(List<Write> batch) {
        boolean written;
        try (Connection connection = dataSource.getConnection()) {
            written = commit(connection, batch);
        } catch (SQLException e) {
            fail(batch, e);
            return;
        }
        if (!written) {
            // The batch's connection is back in the pool: each snapshot takes one of its own.
            one(batch);
        }
    }

    /**
     * Writes the batch in one transaction and answers its requests.
     *
     * @return false when a statement failed and the batch was rolled back, nothing answered: to be written one by one
     * @throws SQLException when the connection is lost or the commit failed: every request of the batch gets 503
     */
    private boolean commit(Connection connection, List<Write> batch) throws SQLException {
        List<Write> stored = new ArrayList<>(batch.size());
        List<Write> refused = new ArrayList<>();
        connection.setAutoCommit(false);
        try {
            try {
                SnapshotStore.Settings settings = store.settings();
                for (List<Write> round : SnapshotStore.rounds(batch, write -> write.signer().rowId())) {
                    Set<Long> written = SnapshotStore.execute(connection, round.stream().map(Write::row).toList(), settings);
                    for (Write write : round) {
                        (written.contains(write.signer().rowId()) ? stored : refused).add(write);
                    }
                }
            } catch (SQLException statementFailed) {
                if (connectionLost(statementFailed)) {
                    throw statementFailed;
                }
                connection.rollback();
                LOG.log(Level.FINE, "A statement of the batch failed: its snapshots are written one by one", statementFailed);
                return false;
            }
            try {
                connection.commit();
            } catch (SQLException commitFailed) {
                throw new SQLTransientConnectionException("the batch's commit failed: " + commitFailed.getMessage(),
                        COMMIT_FAILED, commitFailed);
            }
        } finally {
            autoCommitAgain(connection);
        }
        batches.incrementAndGet();
        batched.addAndGet(batch.size());
        // The stored ones first: a failure while finding why another was refused must not answer them 503.
        stored.forEach(write -> write.outcome().complete(null));
        for (Write write : refused) {
            write.outcome().completeExceptionally(store.refusalFor(connection, write.signer()));
        }
        return true;
    }

    /** The pool hands connections out in auto-commit; one that cannot take it any more fails its next validation. */
    private static void autoCommitAgain(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException lost) {
            LOG.log(Level.FINE, "A batch's connection could not return to auto-commit", lost);
        }
    }

    /** After a failed statement: each snapshot in a transaction of its own, as without batching. */
    private void one(List<Write> batch) {
        for (Write write : batch) {
            try {
                store.store(write.signer(), write.row().receivedAt(), write.row().clientTimestamp(), write.row().metricsJson());
                write.outcome().complete(null);
            } catch (SQLException | RuntimeException e) {
                write.outcome().completeExceptionally(e);
            }
        }
    }

    /** The connection is gone or the server is going (class 08, 57P01-57P03): no statement of the batch can succeed now. */
    static boolean connectionLost(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static void fail(List<Write> batch, Throwable failure) {
        batch.forEach(write -> write.outcome().completeExceptionally(failure));
    }
}
