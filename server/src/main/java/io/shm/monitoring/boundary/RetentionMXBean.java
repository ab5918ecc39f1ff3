package io.shm.monitoring.boundary;

import java.util.List;

/**
 * The retention of raw data, as {@code io.shm:type=Retention}: snapshot partitions and per-bucket
 * values older than {@code Days} go once a day, or at once with {@link #purgeNow()}. The fleet rollups
 * stay. A changed {@code Days} holds on this server until it restarts, which reads
 * {@code SHM_RETENTION_DAYS} again.
 */
public interface RetentionMXBean {

    int getDays();

    /** @throws IllegalArgumentException for fewer than one day, saying so */
    void setDays(int days);

    /** What the latest run on this server removed, daily or through {@link #purgeNow()}; null before the first. */
    LastRun getLastRun();

    /** Removes now what is older than the retention, and says in one line what went. */
    String purgeNow();

    /**
     * When a run was (ISO-8601, UTC), its cutoff (what ended before it went), the snapshot
     * partitions it dropped, and how many per-bucket rows it deleted.
     */
    record LastRun(String at, String cutoff, List<String> droppedPartitions, long bucketRowsDeleted) {
    }
}
