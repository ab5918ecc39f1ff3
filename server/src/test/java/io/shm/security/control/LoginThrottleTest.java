package io.shm.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle();

    {
        throttle.clock = clock;
    }

    @Test
    void fiveFailuresAreFreeThenTheAddressWaitsAMinuteDoubledPerAttempt() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), throttle.begin("admin", "192.0.2.1"));
        }
        assertEquals(Optional.of(Duration.ofMinutes(2)), throttle.begin("admin", "192.0.2.1"), "refused, and counted");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Optional.empty(), throttle.begin("admin", "192.0.2.1"), "after the wait, one more try");
        assertEquals(Optional.of(Duration.ofMinutes(8)), throttle.begin("admin", "192.0.2.1"));
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.begin("admin", "192.0.2.1"), "never above the cap");
    }

    @Test
    void anotherAddressIsNotSlowedByTheFailuresOfTheFirst() {
        for (int i = 0; i < 8; i++) {
            throttle.begin("Admin ", "192.0.2.1");
        }
        assertTrue(throttle.begin("admin", "192.0.2.1").isPresent(), "the name is compared as stored");
        assertEquals(Optional.empty(), throttle.begin("admin", "198.51.100.7"));
        assertEquals(Optional.empty(), throttle.begin("other", "192.0.2.1"), "another account from the same address");
    }

    @Test
    void aSuccessStartsOver() {
        for (int i = 0; i < 4; i++) {
            throttle.begin("admin", "192.0.2.1");
        }
        throttle.begin("admin", "192.0.2.1");
        throttle.succeeded("admin", "192.0.2.1");
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), throttle.begin("admin", "192.0.2.1"));
        }
    }

    @Test
    void anAttemptThatCouldNotBeJudgedDoesNotCount() {
        for (int i = 0; i < 5; i++) {
            throttle.begin("admin", "192.0.2.1");
            throttle.undecided("admin", "192.0.2.1");
        }
        assertEquals(Optional.empty(), throttle.begin("admin", "192.0.2.1"));
    }

    @Test
    void failuresAreForgottenAnHourAfterTheLastAttempt() {
        for (int i = 0; i < 4; i++) {
            throttle.begin("admin", "192.0.2.1");
        }
        clock.advance(Duration.ofMinutes(61));
        for (int i = 0; i < 4; i++) {
            assertEquals(Optional.empty(), throttle.begin("admin", "192.0.2.1"));
        }
    }

    @Test
    void onlyFarMoreFailuresThanOneAddressCanMakeSlowTheAccountForEveryoneAndOnlyBySeconds() {
        for (int i = 0; i < LoginThrottle.ACCOUNT_FREE_FAILURES; i++) {
            assertEquals(Optional.empty(), throttle.begin("admin", "10.0." + (i / 250) + "." + (i % 250)));
        }
        Optional<Duration> next = throttle.begin("admin", "203.0.113.10");
        assertTrue(next.isPresent() && next.get().compareTo(LoginThrottle.ACCOUNT_CAP) <= 0, next.toString());
        clock.advance(LoginThrottle.ACCOUNT_CAP);
        assertEquals(Optional.empty(), throttle.begin("admin", "203.0.113.10"), "seconds, not a lock");
    }
}
