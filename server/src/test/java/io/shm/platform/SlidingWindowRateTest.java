package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlidingWindowRateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00.250Z"));
    private final SlidingWindowRate window = new SlidingWindowRate(60);

    private void events(int count) {
        for (int i = 0; i < count; i++) {
            window.record(clock.millis());
        }
    }

    @Test
    void anEmptyWindowReadsZero() {
        assertEquals(0, window.count(clock.millis()));
        assertEquals(0.0, window.perSecond(clock.millis()));
    }

    @Test
    void theRateIsTheEventsOfTheLastMinuteOverSixtySeconds() {
        events(30);
        clock.advance(Duration.ofSeconds(20));
        events(60);
        clock.advance(Duration.ofSeconds(39));

        assertEquals(90, window.count(clock.millis()), "59 s after the first events, all are in");
        assertEquals(1.5, window.perSecond(clock.millis()));
    }

    @Test
    void eventsLeaveTheWindowSixtySecondsLaterWithoutAnyNewEvent() {
        events(30);
        clock.advance(Duration.ofSeconds(20));
        events(60);

        clock.advance(Duration.ofSeconds(40));
        assertEquals(60, window.count(clock.millis()), "the first second has left the window");
        clock.advance(Duration.ofSeconds(20));
        assertEquals(0, window.count(clock.millis()));
    }

    @Test
    void aSlotReusedAMinuteLaterStartsFromZero() {
        events(100);
        clock.advance(Duration.ofSeconds(60));
        events(1);

        assertEquals(1, window.count(clock.millis()));
    }

    @Test
    void eventsWithinOneSecondShareItsSlot() {
        events(3);
        clock.advance(Duration.ofMillis(700));
        events(2);

        assertEquals(5, window.count(clock.millis()));
        clock.advance(Duration.ofMillis(59_100));
        assertEquals(0, window.count(clock.millis()), "both moments were the same second, now out of the window");
    }

    @Test
    void aReaderWhoseClockIsBehindCountsOnlyWhatItCanSee() {
        events(5);
        long earlier = clock.millis() - 2000;

        assertEquals(0, window.count(earlier), "events after the window's end are not in it");
    }

    @Test
    void concurrentEventsAreAllCounted() throws InterruptedException {
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> events(10_000));
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(80_000, window.count(clock.millis()));
    }

    @Test
    void aWindowNeedsAtLeastOneSecond() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new SlidingWindowRate(0));
        assertEquals("a window needs at least one second, not 0", refused.getMessage());
    }
}
