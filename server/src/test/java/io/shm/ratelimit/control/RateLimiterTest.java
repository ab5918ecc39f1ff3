package io.shm.ratelimit.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.platform.ClusterCaches;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.SharedCache;
import io.shm.testing.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

    private RateLimiter limiter(Map<String, String> settings) {
        RateLimiter limiter = new RateLimiter();
        limiter.clock = clock;
        limiter.config = new MapConfig(settings);
        limiter.cluster = new ClusterCaches();
        limiter.configure();
        return limiter;
    }

    @Test
    void registerAllowsABurstOfTwoThenOneEveryTwelveSeconds() {
        RateLimiter limiter = limiter(Map.of());
        limiter.acquire(RateLimiter.Scope.REGISTER, "a");
        limiter.acquire(RateLimiter.Scope.REGISTER, "a");

        RefusedException refused = assertThrows(RefusedException.class, () -> limiter.acquire(RateLimiter.Scope.REGISTER, "a"));

        assertEquals(Refusal.RATE_LIMITED, refused.refusal());
        assertEquals("12", refused.headers().get("Retry-After"));
        assertEquals("5", refused.headers().get("X-RateLimit-Limit"));
        assertEquals("0", refused.headers().get("X-RateLimit-Remaining"));
        assertEquals(Long.toString(clock.instant().getEpochSecond() + 12), refused.headers().get("X-RateLimit-Reset"));
        assertDoesNotThrow(() -> limiter.acquire(RateLimiter.Scope.REGISTER, "b"), "another key has its own bucket");

        clock.advance(Duration.ofSeconds(12));
        assertDoesNotThrow(() -> limiter.acquire(RateLimiter.Scope.REGISTER, "a"));
        assertThrows(RefusedException.class, () -> limiter.acquire(RateLimiter.Scope.REGISTER, "a"));
        assertEquals(2, limiter.refusals(RateLimiter.Scope.REGISTER));
    }

    @Test
    void snapshotsAreOnePerMinuteAfterABurstOfTwo() {
        RateLimiter limiter = limiter(Map.of());
        limiter.acquire(RateLimiter.Scope.SNAPSHOT, "i");
        limiter.acquire(RateLimiter.Scope.SNAPSHOT, "i");
        clock.advance(Duration.ofSeconds(30));

        RefusedException refused = assertThrows(RefusedException.class, () -> limiter.acquire(RateLimiter.Scope.SNAPSHOT, "i"));

        assertEquals("30", refused.headers().get("Retry-After"));
    }

    @Test
    void limitsComeFromConfigurationAndCanBeSwitchedOff() {
        RateLimiter configured = limiter(Map.of("shm.ratelimit.register.per-minute", "60", "shm.ratelimit.register.burst", "1"));
        configured.acquire(RateLimiter.Scope.REGISTER, "a");
        RefusedException refused = assertThrows(RefusedException.class, () -> configured.acquire(RateLimiter.Scope.REGISTER, "a"));
        assertEquals("1", refused.headers().get("Retry-After"));

        RateLimiter off = limiter(Map.of("shm.ratelimit.enabled", "false"));
        for (int i = 0; i < 100; i++) {
            off.acquire(RateLimiter.Scope.SNAPSHOT, "i");
        }
        assertEquals(0, off.refusals(RateLimiter.Scope.SNAPSHOT));
    }

    @Test
    void aLimitBelowOnePerMinuteIsKeptExactly() {
        // One per hour, as the original server's SHM_RATELIMIT_SNAPSHOT_PERIOD=1h gives it.
        RateLimiter hourly = limiter(Map.of("shm.ratelimit.snapshot.per-minute", "0.0166666666666667",
                "shm.ratelimit.snapshot.burst", "1"));
        hourly.acquire(RateLimiter.Scope.SNAPSHOT, "i");
        RefusedException refused = assertThrows(RefusedException.class, () -> hourly.acquire(RateLimiter.Scope.SNAPSHOT, "i"));
        assertEquals("3600", refused.headers().get("Retry-After"));
        assertEquals("0.0166666666666667", refused.headers().get("X-RateLimit-Limit"));

        clock.advance(Duration.ofMinutes(59));
        assertThrows(RefusedException.class, () -> hourly.acquire(RateLimiter.Scope.SNAPSHOT, "i"));
        clock.advance(Duration.ofMinutes(1));
        assertDoesNotThrow(() -> hourly.acquire(RateLimiter.Scope.SNAPSHOT, "i"));

        assertThrows(IllegalArgumentException.class, () -> limiter(Map.of("shm.ratelimit.snapshot.per-minute", "0")));
    }

    @Test
    void sharedBucketsLiveAtLeastAsLongAsTheSlowestRefill() {
        assertEquals(Duration.ofHours(1), RateLimiter.sharedExpiry(List.of(new RateLimiter.Limit(1, 2), new RateLimiter.Limit(30, 30))));
        assertEquals(Duration.ofHours(2).toSeconds(),
                RateLimiter.sharedExpiry(List.of(new RateLimiter.Limit(1.0 / 60, 2), new RateLimiter.Limit(5, 2))).toSeconds(),
                "two tokens at one an hour");
    }

    @Test
    void aLimitChangedAtRunTimeAppliesAtOnce() {
        RateLimiter limiter = limiter(Map.of());
        limiter.setLimit(RateLimiter.Scope.SNAPSHOT, 60, 1);
        limiter.acquire(RateLimiter.Scope.SNAPSHOT, "i");
        assertThrows(RefusedException.class, () -> limiter.acquire(RateLimiter.Scope.SNAPSHOT, "i"));

        clock.advance(Duration.ofSeconds(1));

        assertDoesNotThrow(() -> limiter.acquire(RateLimiter.Scope.SNAPSHOT, "i"));
        assertThrows(IllegalArgumentException.class, () -> limiter.setLimit(RateLimiter.Scope.SNAPSHOT, 0, 1));
    }

    @Test
    void onlyFailuresSpendTheFailureAllowanceAndAnExhaustedAddressIsRefusedBeforeTrying() {
        RateLimiter limiter = limiter(Map.of("shm.ratelimit.signature_failure.per-minute", "3",
                "shm.ratelimit.signature_failure.burst", "3"));
        for (int i = 0; i < 10; i++) {
            assertDoesNotThrow(() -> limiter.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"),
                    "looking takes nothing");
        }
        for (int i = 0; i < 5; i++) {
            limiter.spend(RateLimiter.Scope.SIGNATURE_FAILURE, "a");
        }

        RefusedException refused = assertThrows(RefusedException.class,
                () -> limiter.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"));

        assertEquals(Refusal.RATE_LIMITED, refused.refusal());
        assertEquals("20", refused.headers().get("Retry-After"));
        assertDoesNotThrow(() -> limiter.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "b"));
        clock.advance(Duration.ofSeconds(20));
        assertDoesNotThrow(() -> limiter.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"));
        assertEquals(1, limiter.refusals(RateLimiter.Scope.SIGNATURE_FAILURE));
    }

    @Test
    void theFailureAllowanceIsSharedByTheNodesOfACluster() {
        Map<String, Long> grid = new ConcurrentHashMap<>();
        RateLimiter first = limiter(Map.of("shm.ratelimit.signature_failure.per-minute", "2",
                "shm.ratelimit.signature_failure.burst", "2"));
        RateLimiter second = limiter(Map.of("shm.ratelimit.signature_failure.per-minute", "2",
                "shm.ratelimit.signature_failure.burst", "2"));
        first.shared = SharedCache.over(gridCache(grid));
        second.shared = SharedCache.over(gridCache(grid));

        first.spend(RateLimiter.Scope.SIGNATURE_FAILURE, "a");
        assertDoesNotThrow(() -> second.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"));
        second.spend(RateLimiter.Scope.SIGNATURE_FAILURE, "a");
        first.spend(RateLimiter.Scope.SIGNATURE_FAILURE, "a");

        assertThrows(RefusedException.class, () -> first.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"));
        assertThrows(RefusedException.class, () -> second.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"));
        clock.advance(Duration.ofSeconds(30));
        assertDoesNotThrow(() -> second.refuseIfExhausted(RateLimiter.Scope.SIGNATURE_FAILURE, "a"));
    }

    @Test
    void nodesSharingTheClusterCacheShareOneBucketPerKey() {
        Map<String, Long> grid = new ConcurrentHashMap<>();
        RateLimiter first = limiter(Map.of());
        RateLimiter second = limiter(Map.of());
        first.shared = SharedCache.over(gridCache(grid));
        second.shared = SharedCache.over(gridCache(grid));

        first.acquire(RateLimiter.Scope.REGISTER, "a");
        second.acquire(RateLimiter.Scope.REGISTER, "a");
        RefusedException refused = assertThrows(RefusedException.class, () -> first.acquire(RateLimiter.Scope.REGISTER, "a"));

        assertEquals("12", refused.headers().get("Retry-After"));
        assertEquals(Long.toString(clock.instant().getEpochSecond() + 12), refused.headers().get("X-RateLimit-Reset"));
        assertThrows(RefusedException.class, () -> second.acquire(RateLimiter.Scope.REGISTER, "a"));
        assertDoesNotThrow(() -> second.acquire(RateLimiter.Scope.REGISTER, "b"), "another key has its own bucket");
        assertDoesNotThrow(() -> second.acquire(RateLimiter.Scope.ACTIVATE, "a"), "another scope has its own bucket");

        clock.advance(Duration.ofSeconds(12));
        assertDoesNotThrow(() -> second.acquire(RateLimiter.Scope.REGISTER, "a"), "one token every 12 s");
        assertThrows(RefusedException.class, () -> first.acquire(RateLimiter.Scope.REGISTER, "a"));

        clock.advance(Duration.ofMinutes(5));
        first.acquire(RateLimiter.Scope.REGISTER, "a");
        second.acquire(RateLimiter.Scope.REGISTER, "a");
        assertThrows(RefusedException.class, () -> first.acquire(RateLimiter.Scope.REGISTER, "a"), "refilled to the burst, not beyond");
        assertEquals(3, first.refusals(RateLimiter.Scope.REGISTER), "refusals are counted where they happen");
        assertEquals(1, second.refusals(RateLimiter.Scope.REGISTER));
    }

    /** The part of a JCache the limiter uses, over a map standing in for the data grid. */
    @SuppressWarnings("unchecked")
    private static Cache<String, Long> gridCache(Map<String, Long> grid) {
        return (Cache<String, Long>) Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {Cache.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "get" -> grid.get((String) args[0]);
                    case "putIfAbsent" -> grid.putIfAbsent((String) args[0], (Long) args[1]) == null;
                    case "replace" -> args.length == 3 && grid.replace((String) args[0], (Long) args[1], (Long) args[2]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Just enough MicroProfile Config for a unit test: values from a map, converted by their type. */
    record MapConfig(Map<String, String> values) implements Config {
        @Override
        @SuppressWarnings("unchecked")
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            String value = values.get(name);
            if (value == null) {
                return Optional.empty();
            }
            if (type == Integer.class) {
                return Optional.of((T) Integer.valueOf(value));
            }
            if (type == Boolean.class) {
                return Optional.of((T) Boolean.valueOf(value));
            }
            if (type == Double.class) {
                return Optional.of((T) Double.valueOf(value));
            }
            return Optional.of((T) value);
        }

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow();
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return values.keySet();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return java.util.List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }
    }
}
