package io.shm.ingest.control;

/** The ingest limits with their configured defaults, for tests outside this package. */
public final class DefaultIngestLimits {

    private DefaultIngestLimits() {
    }

    public static IngestLimits create() {
        IngestLimits limits = new IngestLimits();
        limits.maxBodyBytes = 65536;
        limits.maxMetricKeys = 500;
        limits.maxKeyLength = 128;
        limits.maxStringLength = 1024;
        limits.maxDepth = 8;
        return limits;
    }
}
