package io.shm.aggregation.entity;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A chart's period, as the admin API's chart feed ({@code period=24h|7d|30d|3m|1y|all}) and the
 * dashboard offer it: how far back it reaches, and the bucket width it is drawn with unless another
 * is chosen. A range never holds more than {@link #MAX_BUCKETS} buckets: more points than any chart
 * can draw, and a bound on what one request may ask of the rollups.
 */
public enum Period {
    DAY("24h", Duration.ofHours(24), Bucket.HOUR),
    WEEK("7d", Duration.ofDays(7), Bucket.HOUR),
    MONTH("30d", Duration.ofDays(30), Bucket.DAY),
    QUARTER("3m", Duration.ofDays(90), Bucket.DAY),
    YEAR("1y", Duration.ofDays(365), Bucket.WEEK),
    ALL("all", Duration.ofDays(3650), Bucket.WEEK);

    public static final long MAX_BUCKETS = 20_000;

    private final String label;
    private final Duration span;
    private final Bucket bucket;

    Period(String label, Duration span, Bucket bucket) {
        this.label = label;
        this.span = span;
        this.bucket = bucket;
    }

    /** The period named by its label ({@code 24h}, {@code 7d}, ...). */
    public static Optional<Period> ofLabel(String label) {
        for (Period period : values()) {
            if (period.label.equals(label)) {
                return Optional.of(period);
            }
        }
        return Optional.empty();
    }

    /** Whether a range of {@code span} drawn in buckets of {@code width} stays within {@link #MAX_BUCKETS}. */
    public static boolean fits(Duration span, Bucket width) {
        return span.dividedBy(width.width()) <= MAX_BUCKETS;
    }

    public String label() {
        return label;
    }

    public Duration span() {
        return span;
    }

    /** The bucket width this period is drawn with by default. */
    public Bucket bucket() {
        return bucket;
    }

    /** {@code width} if this period fits in it, otherwise this period's own width. */
    public Bucket drawnWith(Bucket width) {
        return width != null && fits(span, width) ? width : bucket;
    }

    /** The first bucket of this period when it ends at {@code end}, in buckets of {@code width}. */
    public Instant start(Instant end, Bucket width) {
        return width.align(end.minus(span));
    }
}
