package io.shm.platform;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many events happened in the last {@code seconds} seconds, in one-second slots reused round
 * the clock. Counting is lock-free on the hot path; only the first event of a new second resets
 * that second's slot under a lock, so an ingest thread pays one atomic increment. A reader sums the
 * slots that belong to the window, so a quiet minute reads 0 without anything clearing it.
 */
public final class SlidingWindowRate {

    private final int seconds;
    private final AtomicLongArray counts;
    /** The epoch second each slot counts; a slot stamped with an older second is stale. */
    private final AtomicLongArray stamps;

    public SlidingWindowRate(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("a window needs at least one second, not " + seconds);
        }
        this.seconds = seconds;
        this.counts = new AtomicLongArray(seconds);
        this.stamps = new AtomicLongArray(seconds);
        for (int i = 0; i < seconds; i++) {
            stamps.set(i, Long.MIN_VALUE);
        }
    }

    /** Counts one event at {@code epochMillis}. */
    public void record(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        int slot = (int) Math.floorMod(second, (long) seconds);
        if (stamps.get(slot) != second) {
            synchronized (this) {
                if (stamps.get(slot) != second) {
                    counts.set(slot, 0);
                    stamps.set(slot, second);
                }
            }
        }
        counts.incrementAndGet(slot);
    }

    /** Events in the window that ends with the second of {@code epochMillis} (that second included). */
    public long count(long epochMillis) {
        long now = Math.floorDiv(epochMillis, 1000L);
        long total = 0;
        for (int slot = 0; slot < seconds; slot++) {
            long stamp = stamps.get(slot);
            if (stamp > now - seconds && stamp <= now) {
                total += counts.get(slot);
            }
        }
        return total;
    }

    /** The mean number of events per second over the window. */
    public double perSecond(long epochMillis) {
        return (double) count(epochMillis) / seconds;
    }

    public int seconds() {
        return seconds;
    }
}
