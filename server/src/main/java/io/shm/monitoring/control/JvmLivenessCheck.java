package io.shm.monitoring.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live unless the JVM is in a state that only a restart cures: threads deadlocked on each other's
 * locks, or a heap still nearly full right after a garbage collection (the server is about to run
 * out of memory, and spends its time collecting meanwhile). No database here: an outage is for
 * readiness to report, and restarting the server would not bring PostgreSQL back.
 */
@Liveness
@ApplicationScoped
public class JvmLivenessCheck implements HealthCheck {

    /** Above this share of the heap still in use after a collection, the server is as good as out of memory. */
    static final double MAX_HEAP_AFTER_GC = 0.95;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public HealthCheckResponse call() {
        long[] deadlocked = threads.findDeadlockedThreads();
        return evaluate(deadlocked == null ? 0 : deadlocked.length, heapAfterGc(heapPools()));
    }

    static HealthCheckResponse evaluate(int deadlockedThreads, double heapAfterGc) {
        boolean up = deadlockedThreads == 0 && heapAfterGc <= MAX_HEAP_AFTER_GC;
        Map<String, Object> data = Map.of("deadlockedThreads", (long) deadlockedThreads,
                "heapUsedAfterGc", String.format(Locale.ROOT, "%.3f", heapAfterGc));
        return new HealthCheckResponse("jvm", up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }

    /** A heap memory pool as far as this check cares: its usage after the last collection, and its maximum. */
    record Pool(String name, long usedAfterGc, long max) {

        boolean isOldGeneration() {
            return name.endsWith("Old Gen") || name.endsWith("Tenured Gen");
        }
    }

    /**
     * The share of the old generation in use after the last collection (of the whole heap for
     * collectors with a single pool, as ZGC); 0 before the first collection. Measured after a
     * collection, not now: just before one, a healthy heap is often full. The young pools are left
     * out since a collection empties them, which would make a full old generation look half empty.
     */
    static double heapAfterGc(List<Pool> pools) {
        List<Pool> measured = pools.stream().filter(pool -> pool.max() > 0 && pool.usedAfterGc() >= 0).toList();
        List<Pool> old = measured.stream().filter(Pool::isOldGeneration).toList();
        long used = 0;
        long max = 0;
        for (Pool pool : old.isEmpty() ? measured : old) {
            used += pool.usedAfterGc();
            max += pool.max();
        }
        return max == 0 ? 0 : (double) used / max;
    }

    static List<Pool> heapPools() {
        List<Pool> pools = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && pool.isValid() && afterGc != null) {
                pools.add(new Pool(pool.getName(), afterGc.getUsed(), pool.getUsage().getMax()));
            }
        }
        return pools;
    }
}
