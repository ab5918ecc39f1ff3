package io.shm.aggregation.entity;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;

/**
 * The width of a time bucket. Buckets are aligned in UTC (hours on the hour, days at midnight, weeks on
 * Monday, as PostgreSQL's {@code date_trunc}), so series of different keys line up.
 */
public enum Bucket {
    HOUR('h', Duration.ofHours(1)),
    DAY('d', Duration.ofDays(1)),
    WEEK('w', Duration.ofDays(7));

    private final char code;
    private final Duration width;

    Bucket(char code, Duration width) {
        this.code = code;
        this.width = width;
    }

    /** The code stored in the {@code width} columns. */
    public String code() {
        return String.valueOf(code);
    }

    public Duration width() {
        return width;
    }

    /** The start of the bucket that contains this instant. */
    public Instant align(Instant instant) {
        Instant hour = instant.truncatedTo(ChronoUnit.HOURS);
        return switch (this) {
            case HOUR -> hour;
            case DAY -> instant.truncatedTo(ChronoUnit.DAYS);
            case WEEK -> instant.atZone(ZoneOffset.UTC).toLocalDate()
                    .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant();
        };
    }

    public static Optional<Bucket> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Bucket bucket : values()) {
            if (bucket.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(bucket);
            }
        }
        return Optional.empty();
    }

    public static Bucket ofCode(String code) {
        for (Bucket bucket : values()) {
            if (bucket.code().equals(code)) {
                return bucket;
            }
        }
        throw new IllegalArgumentException("no bucket width " + code);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
