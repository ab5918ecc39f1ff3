package io.shm.aggregation.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollupsTest {

    private static final Instant STARTED = Instant.parse("2026-12-01T12:00:05Z");

    @Test
    void aRunCarriesOnFromTheCoveredTimeWithAFewMinutesToSpare() {
        Instant covered = Instant.parse("2026-12-01T11:59:05Z");
        assertEquals(Instant.parse("2026-12-01T11:54:05Z"), Rollups.lookFrom(Optional.of(covered), STARTED));
    }

    @Test
    void afterALongStopItCarriesOnFromTheCoveredTimeNotFromEightDaysBack() {
        Instant covered = STARTED.minus(Duration.ofDays(20));
        assertEquals(covered.minus(Rollups.LOOKBACK), Rollups.lookFrom(Optional.of(covered), STARTED),
                "nothing reached instance_bucket while no node ran");
    }

    @Test
    void aDatabaseNeverCoveredIsLookedAtOverTheLastEightDays() {
        assertEquals(Instant.parse("2026-11-23T12:00:05Z"), Rollups.lookFrom(Optional.empty(), STARTED));
    }

    @Test
    void aCoveredTimeAheadOfTheClockIsNotTrusted() {
        // The clock was set back (or another node's runs ahead): the covered time says nothing then.
        Instant covered = STARTED.plus(Duration.ofHours(2));
        assertEquals(STARTED.minus(Rollups.FIRST_LOOKBACK), Rollups.lookFrom(Optional.of(covered), STARTED));
    }
}
