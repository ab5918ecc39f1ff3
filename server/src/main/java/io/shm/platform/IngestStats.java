package io.shm.platform;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Counts every acceptance and every refusal by reason, as MicroProfile Metrics counters
 * ({@code shm_ingest_accepted_total{kind=...}}, {@code shm_ingest_refused_total{reason=...}} in the
 * Prometheus output of {@code /metrics}), all registered up front so that a reason never seen yet
 * reads 0 rather than missing. The counters are also what JMX reads, so both views always agree.
 */
@ApplicationScoped
public class IngestStats {

    /** What was accepted. */
    public enum Accepted {
        REGISTER_NEW, REGISTER_KNOWN, ACTIVATE, SNAPSHOT;

        /** As in metrics and JMX: {@code register_new}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final int RATE_WINDOW_SECONDS = 60;

    @Inject
    MetricRegistry registry;

    @Inject
    Clock clock;

    private final Map<Accepted, Counter> accepted = new EnumMap<>(Accepted.class);
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final SlidingWindowRate snapshots = new SlidingWindowRate(RATE_WINDOW_SECONDS);
    private Counter failures;
    private volatile Failure lastFailure;

    @PostConstruct
    void register() {
        Metadata acceptedMetadata = Metadata.builder().withName("shm.ingest.accepted")
                .withDescription("Ingest requests accepted, by kind").build();
        for (Accepted kind : Accepted.values()) {
            accepted.put(kind, registry.counter(acceptedMetadata, new Tag("kind", kind.code())));
        }
        Metadata refusedMetadata = Metadata.builder().withName("shm.ingest.refused")
                .withDescription("Requests refused, by reason (the reason field of the problem answer)").build();
        for (Refusal refusal : Refusal.values()) {
            refused.put(refusal, registry.counter(refusedMetadata, new Tag("reason", refusal.code())));
        }
        failures = registry.counter(Metadata.builder().withName("shm.requests.failed")
                .withDescription("Requests answered 500: each one is a defect, logged with its stack trace").build());
    }

    /** Created with the deployment rather than at the first request, so that {@code /metrics} lists the counters at once. */
    void deployed(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        // the observer's bean is created, and registers its counters, before this is called
    }

    public void accepted(Accepted kind) {
        accepted.get(kind).inc();
        if (kind == Accepted.SNAPSHOT) {
            snapshots.record(clock.millis());
        }
    }

    public void refused(Refusal refusal) {
        refused.get(refusal).inc();
    }

    /** An unexpected failure (a defect), logged by the caller: counted, and the latest kept for operators. */
    public void failed(Throwable failure) {
        failures.inc();
        lastFailure = Failure.of(clock.instant(), failure);
    }

    public Map<Accepted, Long> acceptedCounts() {
        Map<Accepted, Long> counts = new EnumMap<>(Accepted.class);
        accepted.forEach((kind, counter) -> counts.put(kind, counter.getCount()));
        return counts;
    }

    public Map<Refusal, Long> refusedCounts() {
        Map<Refusal, Long> counts = new EnumMap<>(Refusal.class);
        refused.forEach((refusal, counter) -> counts.put(refusal, counter.getCount()));
        return counts;
    }

    public long failureCount() {
        return failures.getCount();
    }

    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Snapshots accepted per second, averaged over the last minute. */
    public double snapshotsPerSecond() {
        return snapshots.perSecond(clock.millis());
    }

    public long snapshotsInLastMinute() {
        return snapshots.count(clock.millis());
    }

    /**
     * The latest 500, for an operator who has no access to the log. Its message may quote the request
     * it failed on, so anything that looks like an IP address is masked: client addresses are never
     * kept, not even here.
     */
    public record Failure(Instant at, String type, String message) {

        static final int MAX_MESSAGE_LENGTH = 500;
        static final String MASK = "<address>";
        private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b");
        /** Compressed (with "::") or full (eight groups); a time of day such as 12:30:45 is neither. */
        private static final Pattern IPV6 = Pattern.compile(
                "(?<![\\w:])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?(?![\\w:])"
                        + "|\\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}\\b");

        static Failure of(Instant at, Throwable failure) {
            return new Failure(at, failure.getClass().getName(), redact(failure.getMessage()));
        }

        static String redact(String message) {
            if (message == null) {
                return "";
            }
            // Masked before shortening to the length shown, so that no address is cut into a part that
            // no longer matches; only a head is searched (a mask is never 8 times shorter than what it hides).
            String head = message.length() > 8 * MAX_MESSAGE_LENGTH ? message.substring(0, 8 * MAX_MESSAGE_LENGTH) : message;
            // IPv4 first: an IPv4-mapped IPv6 address then keeps only its constant ::ffff: prefix.
            String masked = IPV6.matcher(IPV4.matcher(head).replaceAll(MASK)).replaceAll(MASK);
            return masked.length() > MAX_MESSAGE_LENGTH ? masked.substring(0, MAX_MESSAGE_LENGTH) + "…" : masked;
        }
    }
}
