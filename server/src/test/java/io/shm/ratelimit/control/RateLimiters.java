package io.shm.ratelimit.control;

import io.shm.platform.ClusterCaches;
import java.time.Clock;
import java.util.Map;

/** Rate limiters wired by hand, for unit tests outside this package. */
public final class RateLimiters {

    private RateLimiters() {
    }

    /** A limiter configured as by MicroProfile Config with {@code settings}, on {@code clock}. */
    public static RateLimiter configured(Clock clock, Map<String, String> settings) {
        RateLimiter limiter = new RateLimiter();
        limiter.clock = clock;
        limiter.config = new RateLimiterTest.MapConfig(settings);
        limiter.cluster = new ClusterCaches();
        limiter.configure();
        return limiter;
    }
}
