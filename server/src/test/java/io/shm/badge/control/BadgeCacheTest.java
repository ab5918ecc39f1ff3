package io.shm.badge.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.testing.MutableClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BadgeCacheTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final AtomicInteger loads = new AtomicInteger();

    private BadgeCache cache(int seconds, int capacity) {
        BadgeCache cache = new BadgeCache();
        cache.seconds = seconds;
        cache.capacity = capacity;
        cache.clock = clock;
        return cache;
    }

    private static BadgeCache.Key key(String slug) {
        return new BadgeCache.Key(slug, BadgeKind.INSTANCES, "");
    }

    /** A loader that counts its calls and answers the count, so a test sees which load a value came from. */
    private BadgeValue load() {
        return BadgeValue.of(Integer.toString(loads.incrementAndGet()), BadgeColor.GOOD);
    }

    private String message(BadgeCache cache, BadgeCache.Key key) throws SQLException {
        return cache.get(key, this::load).message();
    }

    @Test
    void aValueIsServedFromTheCacheUntilItExpires() throws SQLException {
        BadgeCache cache = cache(120, 100);

        assertEquals("1", message(cache, key("a")));
        clock.advance(Duration.ofSeconds(119));
        assertEquals("1", message(cache, key("a")), "still fresh one second before expiry");
        clock.advance(Duration.ofSeconds(1));
        assertEquals("2", message(cache, key("a")), "expired after exactly the configured time");
        assertEquals("2", message(cache, key("a")));

        assertEquals(2, cache.hits());
        assertEquals(2, cache.misses());
        assertEquals(1, cache.size());
    }

    @Test
    void kindsAndMetricsOfOneAppAreSeparateEntries() throws SQLException {
        BadgeCache cache = cache(120, 100);

        message(cache, new BadgeCache.Key("a", BadgeKind.METRIC, "users"));
        message(cache, new BadgeCache.Key("a", BadgeKind.METRIC, "docs"));
        message(cache, new BadgeCache.Key("a", BadgeKind.COMBINED, "users"));
        message(cache, new BadgeCache.Key("a", BadgeKind.METRIC, "users"));

        assertEquals(3, cache.size());
        assertEquals(3, cache.misses());
        assertEquals(1, cache.hits());
    }

    @Test
    void theOldestEntryGoesFirstWhenTheCacheIsFull() throws SQLException {
        BadgeCache cache = cache(120, 3);
        message(cache, key("a"));
        message(cache, key("b"));
        message(cache, key("c"));
        message(cache, key("a"));

        message(cache, key("d"));

        assertEquals(3, cache.size());
        assertEquals("4", message(cache, key("d")));
        assertEquals("3", message(cache, key("c")));
        assertEquals("2", message(cache, key("b")));
        assertEquals("5", message(cache, key("a")), "the oldest, though read more recently than b, was dropped");
    }

    @Test
    void randomKeysCannotGrowTheCacheBeyondItsBound() throws SQLException {
        BadgeCache cache = cache(120, 100);
        message(cache, key("popular"));

        for (int i = 0; i < 10_000; i++) {
            message(cache, new BadgeCache.Key("popular", BadgeKind.METRIC, "random-" + i));
        }

        assertEquals(100, cache.size());
        assertEquals(10_001, cache.misses());
        assertEquals("10002", message(cache, key("popular")), "pushed out by newer entries, loaded again");
    }

    @Test
    void expiredEntriesAreSweptOutWhenAnotherIsLoaded() throws SQLException {
        BadgeCache cache = cache(60, 100);
        message(cache, key("a"));
        message(cache, key("b"));
        clock.advance(Duration.ofSeconds(30));
        message(cache, key("c"));
        clock.advance(Duration.ofSeconds(30));

        message(cache, key("d"));

        assertEquals(2, cache.size(), "a and b expired, c and d fresh");
    }

    @Test
    void aFailedLoadIsNotKept() throws SQLException {
        BadgeCache cache = cache(120, 100);

        assertThrows(SQLException.class, () -> cache.get(key("a"), () -> {
            throw new SQLException("connection refused", "08001");
        }));

        assertEquals(0, cache.size());
        assertEquals("1", message(cache, key("a")), "the next request loads again");
    }

    @Test
    void zeroSecondsSwitchesTheCacheOff() throws SQLException {
        BadgeCache cache = cache(0, 100);

        assertEquals("1", message(cache, key("a")));
        assertEquals("2", message(cache, key("a")));
        assertEquals(0, cache.size());
        assertEquals(0, cache.hits());
    }

    @Test
    void clearForgetsEverythingButTheCounts() throws SQLException {
        BadgeCache cache = cache(120, 100);
        message(cache, key("a"));
        message(cache, key("a"));

        cache.clear();

        assertEquals(0, cache.size());
        assertEquals("2", message(cache, key("a")));
        assertEquals(1, cache.hits());
        assertEquals(2, cache.misses());
    }
}
