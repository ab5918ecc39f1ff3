package io.shm.aggregation.entity;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * The share of an application's active instances per version, day by day: the {@code versions} most
 * common over the period, then, when {@code other} is true, one more column for every other version.
 * Each day's columns are aligned with {@code versions} (plus "other"); its percentages add up to
 * exactly 100 (one decimal, largest remainders), and days without an active instance are left out.
 */
public record VersionShares(List<String> versions, boolean other, List<Day> days) {

    public static final VersionShares NONE = new VersionShares(List.of(), false, List.of());

    /** One day: the active instances, and per column their number and percentage. */
    public record Day(LocalDate day, long active, List<Long> instances, List<BigDecimal> percents) {
    }

    /** How many columns each day has: the versions, and "other" when there is one. */
    public int columns() {
        return versions.size() + (other ? 1 : 0);
    }
}
