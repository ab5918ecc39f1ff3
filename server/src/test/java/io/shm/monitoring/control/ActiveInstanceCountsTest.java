package io.shm.monitoring.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActiveInstanceCountsTest {

    private final ActiveInstanceCounts counts = new ActiveInstanceCounts();

    @Test
    void onlyApplicationsNeverSeenBeforeAskForAGauge() {
        assertEquals(Set.of("alpha", "beta"), counts.update(Map.of("alpha", 3L, "beta", 0L)));
        assertEquals(Set.of("gamma"), counts.update(Map.of("alpha", 4L, "beta", 1L, "gamma", 2L)));
        assertEquals(Set.of(), counts.update(Map.of("alpha", 4L, "beta", 1L, "gamma", 2L)));
        assertEquals(4, counts.get("alpha"));
        assertEquals(1, counts.get("beta"));
        assertEquals(2, counts.get("gamma"));
    }

    @Test
    void anApplicationMissingFromALaterReadingReadsZero() {
        counts.update(Map.of("alpha", 3L, "beta", 5L));

        assertEquals(Set.of(), counts.update(Map.of("alpha", 2L)));

        assertEquals(2, counts.get("alpha"));
        assertEquals(0, counts.get("beta"));
        assertEquals(0, counts.get("never-seen"));
    }
}
