package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.platform.IngestStats.Failure;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestStatsFailureTest {

    private final Instant at = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void theLatestFailureKeepsWhenWhichExceptionAndItsMessage() {
        Failure failure = Failure.of(at, new IllegalStateException("no such bucket"));

        assertEquals(at, failure.at());
        assertEquals("java.lang.IllegalStateException", failure.type());
        assertEquals("no such bucket", failure.message());
    }

    @Test
    void anExceptionWithoutMessageHasAnEmptyOne() {
        assertEquals("", Failure.of(at, new NullPointerException()).message());
    }

    @Test
    void clientAddressesAreMaskedInTheMessage() {
        assertEquals("peer <address> reset, via <address>",
                Failure.redact("peer 203.0.113.7 reset, via 10.0.0.1"));
        assertEquals("from <address> and [<address>]:443 and <address>",
                Failure.redact("from 2001:db8::1 and [::1]:443 and 2001:0db8:0000:0000:0000:ff00:0042:8329"));
        assertEquals("mapped ::ffff:<address>", Failure.redact("mapped ::ffff:192.0.2.128"));
        assertEquals("link <address>%eth0", Failure.redact("link fe80::1%eth0"));
    }

    @Test
    void timesVersionsAndMethodReferencesAreNotAddresses() {
        String message = "at 12:30:45.123 in version 1.2.3, Foo::bar failed, at 2026-11-23T12:00:00Z";
        assertEquals(message, Failure.redact(message));
    }

    @Test
    void aLongMessageIsShortenedAfterMasking() {
        String message = "x".repeat(Failure.MAX_MESSAGE_LENGTH - 3) + " 198.51.100.23 and more";

        String redacted = Failure.redact(message);

        assertEquals(Failure.MAX_MESSAGE_LENGTH + 1, redacted.length());
        assertTrue(redacted.endsWith(" <a…"), redacted);
        assertTrue(!redacted.contains("198"), redacted);
    }
}
