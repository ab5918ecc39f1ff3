package io.shm.benchmark;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one phase's requests got: the latency of every accepted snapshot, and how many were not
 * accepted, by status, by exception, or because they could not be sent in time. Each worker fills
 * its own tally; the phase merges them. Latencies are kept whole (a phase has at most a few hundred
 * thousand) so percentiles are exact.
 */
final class Tally {

    private long[] latencies = new long[4096];
    private int accepted;
    private boolean sorted;
    private final Map<String, Integer> others = new TreeMap<>();

    void accepted(long latencyNanos) {
        if (accepted == latencies.length) {
            latencies = Arrays.copyOf(latencies, accepted * 2);
        }
        latencies[accepted++] = latencyNanos;
        sorted = false;
    }

    void answered(int status) {
        others.merge("HTTP " + status, 1, Integer::sum);
    }

    void failed(Exception e) {
        others.merge(e.getClass().getSimpleName(), 1, Integer::sum);
    }

    /** A paced send whose time came and went while its worker waited for earlier answers. */
    void notSent() {
        others.merge("not sent before the phase ended", 1, Integer::sum);
    }

    static Tally merge(Iterable<Tally> tallies) {
        Tally all = new Tally();
        for (Tally tally : tallies) {
            for (int i = 0; i < tally.accepted; i++) {
                all.accepted(tally.latencies[i]);
            }
            tally.others.forEach((outcome, count) -> all.others.merge(outcome, count, Integer::sum));
        }
        return all;
    }

    int accepted() {
        return accepted;
    }

    /** Refusals by status, transport failures by exception, sends missed: a healthy run has none. */
    Map<String, Integer> others() {
        return others;
    }

    int otherCount() {
        return others.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Nearest rank; zero when nothing was accepted. */
    Duration percentile(double percent) {
        if (accepted == 0) {
            return Duration.ZERO;
        }
        if (!sorted) {
            Arrays.sort(latencies, 0, accepted);
            sorted = true;
        }
        int rank = (int) Math.ceil(percent / 100 * accepted);
        return Duration.ofNanos(latencies[Math.max(rank, 1) - 1]);
    }
}
