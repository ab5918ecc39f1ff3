package io.shm.monitoring.boundary;

import java.util.Map;

/**
 * What ingest accepted and refused since deployment, as {@code io.shm:type=Ingest}: the same
 * counters as {@code /metrics}, plus what a scrape interval hides (the rate over the last minute,
 * the latest 500).
 */
public interface IngestStatsMXBean {

    /** By kind: {@code register_new}, {@code register_known}, {@code activate}, {@code snapshot}. */
    Map<String, Long> getAcceptedCounts();

    /** By the reason of the problem answer, every reason listed even at 0. */
    Map<String, Long> getRefusedCounts();

    /** Requests answered 500: defects, each logged with its stack trace. */
    long getFailedCount();

    /** Snapshots accepted per second, averaged over the last 60 seconds. */
    double getSnapshotsPerSecond();

    long getSnapshotsLastMinute();

    /** Transactions that stored snapshots together (group commit, {@code SHM_INGEST_BATCH_DELAY_MS}); 0 with batching off. */
    long getSnapshotBatches();

    /** Snapshots per batch on average since deployment: about 1 under light load, more under heavy load; 0 before the first. */
    double getSnapshotsPerBatch();

    /** The latest 500, or null when there has been none since deployment. */
    LastFailure getLastFailure();

    /** When (ISO-8601, UTC), which exception, and its message with any IP address masked. */
    record LastFailure(String at, String exceptionClass, String message) {
    }
}
