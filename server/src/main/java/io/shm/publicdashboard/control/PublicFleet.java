package io.shm.publicdashboard.control;

import io.shm.aggregation.entity.ValueCount;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What an application's public page shows: counts over days and shares of the whole fleet, never an
 * instance. Built from rollups and the fleet values the minute job computes.
 *
 * @param asOf when the fleet values were computed; null when they were computed for this page
 * @param installBase instances per day, oldest first
 * @param adoption the share of each version per day
 * @param osArch active instances per OS/architecture, most frequent first
 * @param keys the business keys the maintainer chose, in alphabetical order
 */
public record PublicFleet(String slug, String name, String logoUrl, long activeInstances, Instant asOf,
                          List<Day> installBase, Adoption adoption, List<ValueCount> osArch, List<KeyFigure> keys) {

    /** Instances on one day; {@code added} and {@code churned} are null where they are not known. */
    public record Day(LocalDate day, long instances, Long added, Long churned) {
    }

    /**
     * Instances per version per day: {@code versions} names the columns of each day's {@code counts}
     * (the most common versions, then "other" as a null name when the rest were cut).
     *
     * @param medianDaysToHalf median days from a version's first sighting until half the fleet ran it; null when unknown
     */
    public record Adoption(List<String> versions, List<VersionDay> days, Double medianDaysToHalf) {

        public static final Adoption NONE = new Adoption(List.of(), List.of(), null);
    }

    /** One day of {@link Adoption}: instances per version, in the order of {@link Adoption#versions()}. */
    public record VersionDay(LocalDate day, List<Long> counts) {

        public long total() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * One chosen key: a number's fleet total, the instances reporting it and its daily totals; or a
     * text's distribution over the active instances. A key no active instance reports has neither.
     */
    public record KeyFigure(String key, BigDecimal total, long instances, List<DayTotal> series, List<ValueCount> values) {

        public boolean numeric() {
            return total != null;
        }
    }

    /** A numeric key's fleet total on one day. */
    public record DayTotal(LocalDate day, BigDecimal total) {
    }
}
