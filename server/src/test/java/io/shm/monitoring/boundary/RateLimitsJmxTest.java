package io.shm.monitoring.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.platform.RefusedException;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.ratelimit.control.RateLimiter.Limit;
import io.shm.ratelimit.control.RateLimiter.Scope;
import io.shm.ratelimit.control.RateLimiters;
import io.shm.testing.MutableClock;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RateLimitsJmxTest {

    private final RateLimiter limiter = RateLimiters.configured(new MutableClock(Instant.parse("2026-11-23T12:00:00Z")), Map.of());
    private final RateLimitsJmx mbean = new RateLimitsJmx();

    RateLimitsJmxTest() {
        mbean.limiter = limiter;
        mbean.log = Logger.getLogger(RateLimitsJmx.class.getName());
    }

    @Test
    void everyScopeShowsItsLimit() {
        assertEquals(Map.of("register", new Limit(5, 2), "activate", new Limit(5, 2),
                "snapshot", new Limit(1, 2), "admin", new Limit(30, 30), "login", new Limit(10, 10),
                "signature_failure", new Limit(10, 10), "public", new Limit(60, 60)), mbean.getLimits());
    }

    @Test
    void aLimitSetThroughJmxAppliesToThatScopeOnly() {
        mbean.setLimit("snapshot", 120, 10);

        assertEquals(new Limit(120, 10), mbean.getLimits().get("snapshot"));
        assertEquals(new Limit(120, 10), limiter.limit(Scope.SNAPSHOT));
        assertEquals(new Limit(5, 2), mbean.getLimits().get("register"));
    }

    @Test
    void theScopeIsNamedInAnyCase() {
        mbean.setLimit(" Register ", 7, 3);

        assertEquals(new Limit(7, 3), limiter.limit(Scope.REGISTER));
    }

    @Test
    void anUnknownScopeIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> mbean.setLimit("snapshots", 1, 1));

        assertEquals("unknown scope 'snapshots': one of [register, activate, snapshot, admin, login, signature_failure, public]", refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mbean.setLimit(null, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> mbean.setLimit("", 1, 1));
    }

    @Test
    void numbersOutOfRangeAreRefusedSayingWhichAndChangeNothing() {
        assertEquals("perMinute must be between 1 and 1000000, not 0",
                assertThrows(IllegalArgumentException.class, () -> mbean.setLimit("snapshot", 0, 1)).getMessage());
        assertEquals("perMinute must be between 1 and 1000000, not 1000001",
                assertThrows(IllegalArgumentException.class, () -> mbean.setLimit("snapshot", 1_000_001, 1)).getMessage());
        assertEquals("burst must be between 1 and 1000000, not -1",
                assertThrows(IllegalArgumentException.class, () -> mbean.setLimit("snapshot", 1, -1)).getMessage());

        assertEquals(new Limit(1, 2), limiter.limit(Scope.SNAPSHOT));
        mbean.setLimit("snapshot", 1_000_000, 1_000_000);
        mbean.setLimit("snapshot", 1, 1);
    }

    @Test
    void refusalsAreCountedPerScope() {
        for (int i = 0; i < 2; i++) {
            limiter.acquire(Scope.SNAPSHOT, "instance");
        }
        assertThrows(RefusedException.class, () -> limiter.acquire(Scope.SNAPSHOT, "instance"));

        assertEquals(Map.of("register", 0L, "activate", 0L, "snapshot", 1L, "admin", 0L, "login", 0L, "signature_failure", 0L, "public", 0L), mbean.getRefusals());
    }

    @Test
    void limitsCanBeSwitchedOffAndOnAtRunTime() {
        assertTrue(mbean.isEnabled());
        mbean.setEnabled(false);
        for (int i = 0; i < 10; i++) {
            limiter.acquire(Scope.SNAPSHOT, "instance");
        }
        assertFalse(mbean.isEnabled());

        mbean.setEnabled(true);
        limiter.acquire(Scope.SNAPSHOT, "other");
        limiter.acquire(Scope.SNAPSHOT, "other");
        assertThrows(RefusedException.class, () -> limiter.acquire(Scope.SNAPSHOT, "other"));
    }
}
