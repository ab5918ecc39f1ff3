package io.shm.ratelimit.control;

import io.shm.platform.ClusterCaches;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.SharedCache;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
 *
 * <p>On a single node the buckets are plain memory. In a cluster ({@code SHM_CLUSTER_ENABLED}) they
 * live in a cache shared by all nodes, so a client gets one allowance whichever node it reaches: each
 * key holds one number, the time at which its bucket will be full again (the generic cell rate
 * algorithm, the same limit as a token bucket), updated by compare-and-set. The counts of refusals
 * stay per node.
 */
@ApplicationScoped
public class RateLimiter {

    /** The rate-limited surfaces, with their configuration keys and defaults. */
    public enum Scope {
        REGISTER(5, 2), ACTIVATE(5, 2), SNAPSHOT(1, 2), ADMIN(30, 30), LOGIN(10, 10),
        /**
         * Signed requests refused for an unknown instance or a bad signature, per client address: only
         * failures take from it ({@link #spend}), and an address without allowance is refused before
         * its signature is looked at ({@link #refuseIfExhausted}).
         */
        SIGNATURE_FAILURE(10, 10),
        /** Applications' public pages ({@code /public/{slug}}), per client address, before the slug is looked up. */
        PUBLIC(60, 60);

        final int defaultPerMinute;
        final int defaultBurst;

        Scope(int perMinute, int burst) {
            this.defaultPerMinute = perMinute;
            this.defaultBurst = burst;
        }

        /** As in configuration keys, refusals and JMX: {@code snapshot}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The scope named {@code key}, in any case. */
        public static Scope of(String key) {
            for (Scope scope : values()) {
                if (scope.key().equalsIgnoreCase(key == null ? "" : key.trim())) {
                    return scope;
                }
            }
            throw new IllegalArgumentException("unknown scope '" + key + "': one of "
                    + Arrays.stream(values()).map(Scope::key).toList());
        }
    }

    /** Above this many tracked keys, full buckets (equivalent to no bucket) are dropped. */
    static final int MAX_TRACKED = 100_000;
    /** The cluster-wide buckets: scope and key to the time (epoch millis) at which the bucket is full. */
    static final String SHARED_BUCKETS = "shm-rate-limits";
    /**
     * A shared bucket untouched this long is dropped, which is the same as a full bucket for every
     * limit that refills within an hour (all but a burst above 60 at one per minute); longer when a
     * configured limit refills more slowly ({@link #sharedExpiry}).
     */
    static final Duration SHARED_EXPIRY = Duration.ofHours(1);

    @Inject
    Clock clock;

    @Inject
    Config config;

    @Inject
    ClusterCaches cluster;

    /** Null on a single node. */
    SharedCache<String, Long> shared;

    private volatile boolean enabled;
    /** Concurrent: JMX changes limits while requests read them. */
    private final Map<Scope, Limit> limits = new ConcurrentHashMap<>();
    private final Map<Scope, Map<String, Bucket>> buckets = new EnumMap<>(Scope.class);
    private final Map<Scope, LongAdder> refusals = new EnumMap<>(Scope.class);

    @PostConstruct
    void configure() {
        enabled = config.getOptionalValue("shm.ratelimit.enabled", Boolean.class).orElse(true);
        for (Scope scope : Scope.values()) {
            // A decimal is allowed: the original server's limits are per period (1 per hour is 1/60 per minute).
            double perMinute = config.getOptionalValue("shm.ratelimit." + scope.key() + ".per-minute", Double.class)
                    .orElse((double) scope.defaultPerMinute);
            if (!(perMinute > 0 && perMinute <= Limit.MAX)) {
                throw new IllegalArgumentException("shm.ratelimit." + scope.key() + ".per-minute must be more than 0 and at most "
                        + Limit.MAX + ", not " + perMinute);
            }
            int burst = config.getOptionalValue("shm.ratelimit." + scope.key() + ".burst", Integer.class)
                    .orElse(scope.defaultBurst);
            limits.put(scope, new Limit(perMinute, burst));
            buckets.put(scope, new ConcurrentHashMap<>());
            refusals.put(scope, new LongAdder());
        }
        shared = cluster.cache(SHARED_BUCKETS, String.class, Long.class, sharedExpiry(limits.values())).orElse(null);
    }

    /**
     * {@link #SHARED_EXPIRY}, or longer when a configured limit refills more slowly (the original
     * server's limits per period can be one an hour): a bucket must not be dropped before it is full.
     */
    static Duration sharedExpiry(java.util.Collection<Limit> configured) {
        Duration expiry = SHARED_EXPIRY;
        for (Limit limit : configured) {
            Duration refill = Duration.ofMillis((long) Math.ceil(limit.burst() * 60_000.0 / limit.perMinute()));
            if (refill.compareTo(expiry) > 0) {
                expiry = refill;
            }
        }
        return expiry;
    }

    /** Takes one token for {@code key}, or refuses the request with 429. */
    public void acquire(Scope scope, String key) {
        if (!enabled || key == null) {
            return;
        }
        Limit limit = limits.get(scope);
        long now = clock.millis();
        double waitSeconds = shared == null ? takeLocal(scope, key, limit, now) : takeShared(scope, key, limit, now);
        if (waitSeconds > 0) {
            refuse(scope, limit, now, waitSeconds);
        }
    }

    private void refuse(Scope scope, Limit limit, long now, double waitSeconds) {
        refusals.get(scope).increment();
        long retryAfter = (long) Math.ceil(waitSeconds);
        throw new RefusedException(Refusal.RATE_LIMITED, scope.key() + ": " + limit.perMinuteText() + " per minute",
                Map.of("Retry-After", Long.toString(retryAfter),
                        "X-RateLimit-Limit", limit.perMinuteText(),
                        "X-RateLimit-Remaining", "0",
                        "X-RateLimit-Reset", Long.toString(now / 1000 + retryAfter)));
    }

    /**
     * Refuses the request with 429 when {@code key} has no token left, without taking one: for limits
     * on failures, which only a failure spends.
     */
    public void refuseIfExhausted(Scope scope, String key) {
        if (!enabled || key == null) {
            return;
        }
        Limit limit = limits.get(scope);
        long now = clock.millis();
        double waitSeconds = shared == null ? peekLocal(scope, key, limit, now) : peekShared(scope, key, limit, now);
        if (waitSeconds > 0) {
            refuse(scope, limit, now, waitSeconds);
        }
    }

    /** Takes a token from {@code key} if it has one: a failure counted against a limit on failures. */
    public void spend(Scope scope, String key) {
        if (!enabled || key == null) {
            return;
        }
        Limit limit = limits.get(scope);
        long now = clock.millis();
        if (shared == null) {
            takeLocal(scope, key, limit, now);
        } else {
            takeShared(scope, key, limit, now);
        }
    }

    private double peekLocal(Scope scope, String key, Limit limit, long now) {
        Bucket bucket = buckets.get(scope).get(key);
        return bucket == null ? 0 : bucket.waitFor(limit, now);
    }

    private double peekShared(Scope scope, String key, Limit limit, long now) {
        long interval = Math.max(1, Math.round(60_000.0 / limit.perMinute()));
        Long fullAt = shared.get(scope.key() + ' ' + key);
        long next = Math.max(fullAt == null ? now : fullAt, now) + interval;
        long allowedUntil = now + interval * limit.burst();
        return next > allowedUntil ? (next - allowedUntil) / 1000.0 : 0;
    }

    private double takeLocal(Scope scope, String key, Limit limit, long now) {
        Map<String, Bucket> scoped = buckets.get(scope);
        if (scoped.size() > MAX_TRACKED) {
            scoped.values().removeIf(bucket -> bucket.isFull(limit, now));
        }
        return scoped.computeIfAbsent(key, k -> new Bucket(limit.burst(), now)).take(limit, now);
    }

    /**
     * One token from the shared bucket: each token moves the time at which the bucket is full one
     * interval later; a request is refused when that time would be more than a full burst ahead.
     * Compare-and-set, so that two nodes taking from one bucket at once never both get its last token.
     */
    private double takeShared(Scope scope, String key, Limit limit, long now) {
        String id = scope.key() + ' ' + key;
        // Whole milliseconds per token: exact when the rate divides 60,000, within half a millisecond otherwise.
        long interval = Math.max(1, Math.round(60_000.0 / limit.perMinute()));
        long allowedUntil = now + interval * limit.burst();
        while (true) {
            Long fullAt = shared.get(id);
            long next = Math.max(fullAt == null ? now : fullAt, now) + interval;
            if (next > allowedUntil) {
                return (next - allowedUntil) / 1000.0;
            }
            boolean taken = fullAt == null ? shared.putIfAbsent(id, next) : shared.replace(id, fullAt, next);
            if (taken) {
                return 0;
            }
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** Switches all limits on or off at run time, on this node only; buckets already filled are kept. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Limit limit(Scope scope) {
        return limits.get(scope);
    }

    /** Changes a limit at run time, on this node only; buckets refill at the new rate from now on. */
    public void setLimit(Scope scope, int perMinute, int burst) {
        limits.put(scope, Limit.of(perMinute, burst));
    }

    public long refusals(Scope scope) {
        return refusals.get(scope).sum();
    }

    /** Requests per minute (a decimal below one for slow limits, such as one an hour) and the largest burst. */
    public record Limit(double perMinute, int burst) {

        /** Far above any real client; a larger number is a typing mistake, not a limit. */
        static final int MAX = 1_000_000;

        public Limit(int perMinute, int burst) {
            this((double) perMinute, burst);
        }

        /** {@code 5}, or {@code 0.5}: as in answers and messages. */
        public String perMinuteText() {
            return java.math.BigDecimal.valueOf(perMinute).stripTrailingZeros().toPlainString();
        }

        /** A limit from an operator's input, refused with the reason when it makes no sense. */
        public static Limit of(int perMinute, int burst) {
            if (perMinute < 1 || perMinute > MAX) {
                throw new IllegalArgumentException("perMinute must be between 1 and " + MAX + ", not " + perMinute);
            }
            if (burst < 1 || burst > MAX) {
                throw new IllegalArgumentException("burst must be between 1 and " + MAX + ", not " + burst);
            }
            return new Limit(perMinute, burst);
        }
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

        /** @return 0 when a token is there (none is taken), else the seconds until one is */
        synchronized double waitFor(Limit limit, long now) {
            refill(limit, now);
            return tokens >= 1 ? 0 : (1 - tokens) * 60.0 / limit.perMinute();
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
