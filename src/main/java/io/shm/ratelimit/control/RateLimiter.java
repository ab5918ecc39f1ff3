package io.shm.ratelimit.control;

import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.Config;

/**
 * Token buckets per endpoint and key (client address or instance): {@code perMinute} tokens flow in
 * each minute up to {@code burst}. Defaults are the original SHM server's. A refusal carries
 * {@code Retry-After} and {@code X-RateLimit-Limit/Remaining/Reset} (Reset: Unix time at which a
 * request will be allowed again).
 */
@ApplicationScoped
public class RateLimiter {

    /** The rate-limited surfaces, with their configuration keys and defaults. */
    public enum Scope {
        REGISTER(5, 2), ACTIVATE(5, 2), SNAPSHOT(1, 2), ADMIN(30, 30);

        final int defaultPerMinute;
        final int defaultBurst;

        Scope(int perMinute, int burst) {
            this.defaultPerMinute = perMinute;
            this.defaultBurst = burst;
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Above this many tracked keys, full buckets (equivalent to no bucket) are dropped. */
    static final int MAX_TRACKED = 100_000;

    @Inject
    Clock clock;

    @Inject
    Config config;

    private volatile boolean enabled;
    private final Map<Scope, Limit> limits = new EnumMap<>(Scope.class);
    private final Map<Scope, Map<String, Bucket>> buckets = new EnumMap<>(Scope.class);
    private final Map<Scope, LongAdder> refusals = new EnumMap<>(Scope.class);

    @PostConstruct
    void configure() {
        enabled = config.getOptionalValue("shm.ratelimit.enabled", Boolean.class).orElse(true);
        for (Scope scope : Scope.values()) {
            int perMinute = config.getOptionalValue("shm.ratelimit." + scope.key() + ".per-minute", Integer.class)
                    .orElse(scope.defaultPerMinute);
            int burst = config.getOptionalValue("shm.ratelimit." + scope.key() + ".burst", Integer.class)
                    .orElse(scope.defaultBurst);
            limits.put(scope, new Limit(perMinute, burst));
            buckets.put(scope, new ConcurrentHashMap<>());
            refusals.put(scope, new LongAdder());
        }
    }

    /** Takes one token for {@code key}, or refuses the request with 429. */
    public void acquire(Scope scope, String key) {
        if (!enabled || key == null) {
            return;
        }
        Limit limit = limits.get(scope);
        Map<String, Bucket> scoped = buckets.get(scope);
        if (scoped.size() > MAX_TRACKED) {
            long now = clock.millis();
            scoped.values().removeIf(bucket -> bucket.isFull(limit, now));
        }
        long now = clock.millis();
        Bucket bucket = scoped.computeIfAbsent(key, k -> new Bucket(limit.burst(), now));
        double waitSeconds = bucket.take(limit, now);
        if (waitSeconds > 0) {
            refusals.get(scope).increment();
            long retryAfter = (long) Math.ceil(waitSeconds);
            throw new RefusedException(Refusal.RATE_LIMITED, scope.key() + ": " + limit.perMinute() + " per minute",
                    Map.of("Retry-After", Long.toString(retryAfter),
                            "X-RateLimit-Limit", Integer.toString(limit.perMinute()),
                            "X-RateLimit-Remaining", "0",
                            "X-RateLimit-Reset", Long.toString(now / 1000 + retryAfter)));
        }
    }

    /** Changes a limit at run time; buckets refill at the new rate from now on. */
    public void setLimit(Scope scope, int perMinute, int burst) {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("a limit needs at least 1 per minute and a burst of at least 1");
        }
        limits.put(scope, new Limit(perMinute, burst));
    }

    public long refusals(Scope scope) {
        return refusals.get(scope).sum();
    }

    /** Requests per minute and the largest burst. */
    public record Limit(int perMinute, int burst) {
    }

    /** One key's bucket. Synchronized per bucket: contention is per client, not global. */
    static final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        /** @return 0 when a token was taken, else the seconds until one is there */
        synchronized double take(Limit limit, long now) {
            refill(limit, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) * 60.0 / limit.perMinute();
        }

        synchronized boolean isFull(Limit limit, long now) {
            refill(limit, now);
            return tokens >= limit.burst();
        }

        private void refill(Limit limit, long now) {
            if (now > updatedAt) {
                tokens = Math.min(limit.burst(), tokens + (now - updatedAt) * limit.perMinute() / 60_000.0);
                updatedAt = now;
            }
        }
    }
}
