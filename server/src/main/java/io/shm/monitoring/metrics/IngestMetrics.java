package io.shm.monitoring.metrics;

import io.shm.ingest.control.IngestLatency;
import io.shm.platform.IngestStats;
import io.shm.platform.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The ingest counts and times in {@code /metrics}: {@code shm_ingest_accepted_total{kind=...}},
 * {@code shm_ingest_refused_total{reason=...}}, {@code shm_requests_failed_total} mirror the counts
 * of {@link IngestStats} (which JMX reads), and {@code shm_ingest_latency_seconds{endpoint=...}} times
 * what {@link IngestLatency} records. All registered at deployment, so that a reason never seen yet
 * reads 0 rather than missing. The histogram buckets are {@code mp.metrics.distribution.timer.buckets}
 * in {@code microprofile-config.properties}.
 */
@ApplicationScoped
public class IngestMetrics {

    static final String LATENCY = "shm.ingest.latency";

    @Inject
    MetricRegistry registry;

    @Inject
    IngestStats stats;

    @Inject
    IngestLatency latency;

    void register(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        Metadata accepted = Metadata.builder().withName("shm.ingest.accepted")
                .withDescription("Ingest requests accepted, by kind").build();
        for (IngestStats.Accepted kind : IngestStats.Accepted.values()) {
            Counter counter = registry.counter(accepted, new Tag("kind", kind.code()));
            stats.acceptedTally(kind).mirrorTo(counter::inc);
        }
        Metadata refused = Metadata.builder().withName("shm.ingest.refused")
                .withDescription("Requests refused, by reason (the reason field of the problem answer)").build();
        for (Refusal refusal : Refusal.values()) {
            Counter counter = registry.counter(refused, new Tag("reason", refusal.code()));
            stats.refusedTally(refusal).mirrorTo(counter::inc);
        }
        Counter failures = registry.counter(Metadata.builder().withName("shm.requests.failed")
                .withDescription("Requests answered 500: each one is a defect, logged with its stack trace").build());
        stats.failureTally().mirrorTo(failures::inc);

        // A timer records nanoseconds; declared so, Payara prints it in seconds with the _seconds suffix.
        Metadata times = Metadata.builder().withName(LATENCY).withUnit(MetricUnits.NANOSECONDS)
                .withDescription("Time to answer an ingest request, accepted or refused, by endpoint").build();
        for (String endpoint : IngestLatency.ENDPOINTS) {
            Timer timer = registry.timer(times, new Tag("endpoint", endpoint));
            latency.timeWith(endpoint, nanos -> timer.update(Duration.ofNanos(nanos)));
        }
    }
}
