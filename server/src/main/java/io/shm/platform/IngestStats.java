package io.shm.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Counts every acceptance and every refusal by reason, read by JMX and, where the server has
 * MicroProfile Metrics, mirrored into the counters {@code shm_ingest_accepted_total{kind=...}} and
 * {@code shm_ingest_refused_total{reason=...}} of {@code /metrics} (see
 * {@code io.shm.monitoring.metrics.IngestMetrics}), so both views always agree.
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
    Clock clock;

    private final Map<Accepted, Tally> accepted = tallies(Accepted.class);
    private final Map<Refusal, Tally> refused = tallies(Refusal.class);
    private final Tally failures = new Tally();
    private final SlidingWindowRate snapshots = new SlidingWindowRate(RATE_WINDOW_SECONDS);
    private volatile Failure lastFailure;

    private static <E extends Enum<E>> Map<E, Tally> tallies(Class<E> type) {
        Map<E, Tally> tallies = new EnumMap<>(type);
        for (E constant : type.getEnumConstants()) {
            tallies.put(constant, new Tally());
        }
        return tallies;
    }

    public void accepted(Accepted kind) {
        accepted.get(kind).increment();
        if (kind == Accepted.SNAPSHOT) {
            snapshots.record(clock.millis());
        }
    }

    public void refused(Refusal refusal) {
        refused.get(refusal).increment();
    }

    /** An unexpected failure (a defect), logged by the caller: counted, and the latest kept for operators. */
    public void failed(Throwable failure) {
        failures.increment();
        lastFailure = Failure.of(clock.instant(), failure);
    }

    public Map<Accepted, Long> acceptedCounts() {
        Map<Accepted, Long> counts = new EnumMap<>(Accepted.class);
        accepted.forEach((kind, counter) -> counts.put(kind, counter.count()));
        return counts;
    }

    public Map<Refusal, Long> refusedCounts() {
        Map<Refusal, Long> counts = new EnumMap<>(Refusal.class);
        refused.forEach((refusal, counter) -> counts.put(refusal, counter.count()));
        return counts;
    }

    public long failureCount() {
        return failures.count();
    }

    /** The count of {@code kind}, for {@code /metrics} to mirror. */
    public Tally acceptedTally(Accepted kind) {
        return accepted.get(kind);
    }

    /** The count of {@code refusal}, for {@code /metrics} to mirror. */
    public Tally refusedTally(Refusal refusal) {
        return refused.get(refusal);
    }

    /** The count of requests answered 500, for {@code /metrics} to mirror. */
    public Tally failureTally() {
        return failures;
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
