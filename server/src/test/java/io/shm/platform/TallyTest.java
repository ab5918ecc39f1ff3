package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TallyTest {

    @Test
    void countsWithoutAMirror() {
        Tally tally = new Tally();
        tally.increment();
        tally.increment();
        assertEquals(2, tally.count());
    }

    @Test
    void aMirrorGetsTheCountSoFarThenEveryIncrement() {
        Tally tally = new Tally();
        tally.increment();
        AtomicLong mirrored = new AtomicLong();
        tally.mirrorTo(mirrored::addAndGet);
        assertEquals(1, mirrored.get(), "the count before the mirror was attached");
        tally.increment();
        tally.increment();
        assertEquals(3, mirrored.get());
        assertEquals(3, tally.count());
    }
}
