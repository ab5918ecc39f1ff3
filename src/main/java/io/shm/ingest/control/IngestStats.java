package io.shm.ingest.control;

import io.shm.platform.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every acceptance and every refusal by reason, for JMX and metrics. Lock-free: it is on the
 * hot path of every request.
 */
@ApplicationScoped
public class IngestStats {

    /** What was accepted. */
    public enum Accepted { REGISTER_NEW, REGISTER_KNOWN, ACTIVATE, SNAPSHOT }

    private final Map<Accepted, LongAdder> accepted = new EnumMap<>(Accepted.class);
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
    private final LongAdder failures = new LongAdder();
    private volatile String lastFailure;
    private volatile Instant lastFailureAt;

    public IngestStats() {
        for (Accepted kind : Accepted.values()) {
            accepted.put(kind, new LongAdder());
        }
        for (Refusal refusal : Refusal.values()) {
            refused.put(refusal, new LongAdder());
        }
    }

    public void accepted(Accepted kind) {
        accepted.get(kind).increment();
    }

    public void refused(Refusal refusal) {
        refused.get(refusal).increment();
    }

    public void failed(Throwable failure) {
        failures.increment();
        lastFailure = failure.getClass().getName();
        lastFailureAt = Instant.now();
    }

    public long acceptedCount(Accepted kind) {
        return accepted.get(kind).sum();
    }

    public long refusedCount(Refusal refusal) {
        return refused.get(refusal).sum();
    }

    public long failureCount() {
        return failures.sum();
    }

    public String lastFailure() {
        return lastFailure == null ? null : lastFailure + " at " + lastFailureAt;
    }
}
