package io.shm.publicdashboard.control;

import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.TimeToHalf;
import io.shm.aggregation.entity.ValueCount;
import io.shm.aggregation.entity.VersionShares;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What an application's public page shows: counts over days and shares of the whole fleet, never an
 * instance. Built from the install base per day, the rollups and the fleet values the minute job computes.
 *
 * @param asOf when the fleet values were computed; null when they were computed for this page
 * @param installBase active, new and churned instances per day, oldest first
 * @param adoption the share of each version per day
 * @param osArch active instances per OS/architecture, most frequent first
 * @param keys the business keys the maintainer chose, in alphabetical order
 */
public record PublicFleet(String slug, String name, String logoUrl, long activeInstances, Instant asOf,
                          List<InstallBaseDay> installBase, VersionShares adoption, TimeToHalf timeToHalf,
                          List<ValueCount> osArch, List<KeyFigure> keys) {

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
