package io.shm.monitoring.boundary;

import io.shm.ingest.control.SnapshotWriter;
import io.shm.platform.IngestStats;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;

/** {@code io.shm:type=Ingest}, read from {@link IngestStats}. */
@Dependent
public class IngestStatsJmx implements IngestStatsMXBean {

    @Inject
    IngestStats stats;

    @Inject
    SnapshotWriter writer;

    @Override
    public Map<String, Long> getAcceptedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        stats.acceptedCounts().forEach((kind, count) -> counts.put(kind.code(), count));
        return counts;
    }

    @Override
    public Map<String, Long> getRefusedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        stats.refusedCounts().forEach((refusal, count) -> counts.put(refusal.code(), count));
        return counts;
    }

    @Override
    public long getFailedCount() {
        return stats.failureCount();
    }

    @Override
    public double getSnapshotsPerSecond() {
        return stats.snapshotsPerSecond();
    }

    @Override
    public long getSnapshotsLastMinute() {
        return stats.snapshotsInLastMinute();
    }

    @Override
    public long getSnapshotBatches() {
        return writer.batches();
    }

    @Override
    public double getSnapshotsPerBatch() {
        long batches = writer.batches();
        return batches == 0 ? 0 : (double) writer.batchedSnapshots() / batches;
    }

    @Override
    public LastFailure getLastFailure() {
        return stats.lastFailure()
                .map(failure -> new LastFailure(failure.at().toString(), failure.type(), failure.message()))
                .orElse(null);
    }
}
