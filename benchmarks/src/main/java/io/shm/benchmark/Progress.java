package io.shm.benchmark;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The accepted rate every few seconds while a phase runs. An application server takes a while to be
 * compiled hot, longer on a small machine: this shows whether the warm-up was long enough, that is
 * whether the rate had stopped climbing before the measurement began.
 */
final class Progress implements AutoCloseable {

    private static final long INTERVAL_SECONDS = 5;

    private final LongAdder accepted = new LongAdder();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "benchmark-progress");
        thread.setDaemon(true);
        return thread;
    });
    private long acceptedBefore;

    /** @param measureFrom when the warm-up ends, in {@link System#nanoTime()} terms */
    Progress(String phase, long measureFrom) {
        ticker.scheduleAtFixedRate(() -> {
            long total = accepted.sum();
            IngestBenchmark.say(String.format("  %s, %s: %,d/s", phase,
                    System.nanoTime() < measureFrom ? "warm-up" : "measuring",
                    (total - acceptedBefore) / INTERVAL_SECONDS));
            acceptedBefore = total;
        }, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    void accepted() {
        accepted.increment();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
