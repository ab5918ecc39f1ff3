package io.shm.ingest.control;

import io.shm.platform.Refusal;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Counts every acceptance and every refusal by reason, as MicroProfile Metrics counters
 * ({@code shm_ingest_accepted_total{kind=...}}, {@code shm_ingest_refused_total{reason=...}} in the
 * Prometheus output of {@code /metrics}), all registered up front so that a reason never seen yet
 * reads 0 rather than missing.
 */
@ApplicationScoped
public class IngestStats {

    /** What was accepted. */
    public enum Accepted { REGISTER_NEW, REGISTER_KNOWN, ACTIVATE, SNAPSHOT }

    @Inject
    MetricRegistry registry;

    private final Map<Accepted, Counter> accepted = new EnumMap<>(Accepted.class);
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private Counter failures;

    @PostConstruct
    void register() {
        Metadata acceptedMetadata = Metadata.builder().withName("shm.ingest.accepted")
                .withDescription("Ingest requests accepted, by kind").build();
        for (Accepted kind : Accepted.values()) {
            accepted.put(kind, registry.counter(acceptedMetadata, new Tag("kind", kind.name().toLowerCase(Locale.ROOT))));
        }
        Metadata refusedMetadata = Metadata.builder().withName("shm.ingest.refused")
                .withDescription("Requests refused, by reason (the reason field of the problem answer)").build();
        for (Refusal refusal : Refusal.values()) {
            refused.put(refusal, registry.counter(refusedMetadata, new Tag("reason", refusal.code())));
        }
        failures = registry.counter(Metadata.builder().withName("shm.requests.failed")
                .withDescription("Requests answered 500: each one is a defect, logged with its stack trace").build());
    }

    public void accepted(Accepted kind) {
        accepted.get(kind).inc();
    }

    public void refused(Refusal refusal) {
        refused.get(refusal).inc();
    }

    /** An unexpected failure (a defect), logged by the caller. */
    public void failed() {
        failures.inc();
    }
}
