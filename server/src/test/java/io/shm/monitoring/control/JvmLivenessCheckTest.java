package io.shm.monitoring.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shm.monitoring.control.JvmLivenessCheck.Pool;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class JvmLivenessCheckTest {

    private static final long MB = 1024 * 1024;

    @Test
    void deadlockedThreadsAreNotLive() {
        assertEquals(HealthCheckResponse.Status.DOWN, JvmLivenessCheck.evaluate(2, 0.1).getStatus());
        assertEquals(HealthCheckResponse.Status.UP, JvmLivenessCheck.evaluate(0, 0.1).getStatus());
    }

    @Test
    void aHeapNearlyFullAfterCollectionIsNotLive() {
        assertEquals(HealthCheckResponse.Status.UP, JvmLivenessCheck.evaluate(0, 0.95).getStatus());
        assertEquals(HealthCheckResponse.Status.DOWN, JvmLivenessCheck.evaluate(0, 0.96).getStatus());
    }

    @Test
    void theOldGenerationIsMeasuredWithoutTheYoungPoolsACollectionEmpties() {
        List<Pool> parallel = List.of(new Pool("PS Eden Space", 0, 300 * MB), new Pool("PS Survivor Space", 10 * MB, 50 * MB),
                new Pool("PS Old Gen", 640 * MB, 650 * MB));
        assertEquals(640.0 / 650, JvmLivenessCheck.heapAfterGc(parallel), 1e-9);
    }

    @Test
    void poolsWithoutAMaximumAreLeftOut() {
        List<Pool> g1 = List.of(new Pool("G1 Eden Space", 0, -1), new Pool("G1 Old Gen", 100 * MB, 1000 * MB));
        assertEquals(0.1, JvmLivenessCheck.heapAfterGc(g1), 1e-9);
    }

    @Test
    void aSinglePoolCollectorIsMeasuredOnItsWholeHeap() {
        assertEquals(0.5, JvmLivenessCheck.heapAfterGc(List.of(new Pool("ZHeap", 512 * MB, 1024 * MB))), 1e-9);
        assertEquals(0.0, JvmLivenessCheck.heapAfterGc(List.of()), "before any collection");
    }
}
