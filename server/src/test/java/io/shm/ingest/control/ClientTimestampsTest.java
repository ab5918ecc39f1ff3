package io.shm.ingest.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ClientTimestampsTest {

    @Test
    void isoTimestampsFrom2000To9999AreAccepted() {
        assertEquals(Instant.parse("2000-01-01T00:00:00Z"), ClientTimestamps.parse("timestamp", "2000-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-12-03T09:00:00.123Z"), ClientTimestamps.parse("timestamp", "2026-12-03T10:00:00.123+01:00"));
        assertEquals(Instant.parse("9999-12-31T23:59:59Z"), ClientTimestamps.parse("timestamp", "9999-12-31T23:59:59Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-9999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
            "2000-01-01T00:30:00+01:00", "0000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00+18:00", "2026-02-30T00:00:00Z", "yesterday", "2026-12-03T09:00:00", ""})
    void anythingElseIsAMalformedField(String text) {
        RefusedException refused = assertThrows(RefusedException.class, () -> ClientTimestamps.parse("timestamp", text));
        assertEquals(Refusal.MALFORMED_FIELD, refused.refusal());
        assertTrue(refused.getMessage() == null || !refused.getMessage().contains("Exception"));
    }
}
