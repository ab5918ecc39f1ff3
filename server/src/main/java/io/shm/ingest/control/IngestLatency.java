package io.shm.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Where the time to answer each ingest endpoint goes: the timers of {@code /metrics}
 * ({@code io.shm.monitoring.metrics.IngestMetrics}) when the server has MicroProfile Metrics,
 * nowhere otherwise.
 */
@ApplicationScoped
public class IngestLatency {

    /** The endpoints timed, as {@code IngestLatencyFilter} names them. */
    public static final String[] ENDPOINTS = {"register", "activate", "snapshot"};

    private final Map<String, LongConsumer> timers = new ConcurrentHashMap<>();

    /** Records that answering {@code endpoint} took {@code nanos}; an endpoint nobody times is ignored. */
    public void record(String endpoint, long nanos) {
        LongConsumer timer = timers.get(endpoint);
        if (timer != null) {
            timer.accept(nanos);
        }
    }

    /** From now on the times of {@code endpoint} go to {@code timer}, in nanoseconds. */
    public void timeWith(String endpoint, LongConsumer timer) {
        timers.put(endpoint, timer);
    }
}
