package io.shm.ingest.control;

import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Timestamps that clients put in signed bodies (snapshots, signed activates). ISO-8601 with a zone
 * offset, in years 2000 to 9999: SHM did not exist before 2000, and a year outside four digits
 * ({@code -9999}, {@code +10000}) is no clock's reading but a probe of the parser and of the database's
 * date range. Anything else is a malformed field, refused before anything is stored.
 */
public final class ClientTimestamps {

    /** The earliest timestamp accepted. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final int LAST_YEAR = 9999;

    private ClientTimestamps() {
    }

    /** The instant {@code text} names, or a 400 {@code malformed_field} naming {@code field}. */
    public static Instant parse(String field, String text) {
        OffsetDateTime parsed;
        try {
            parsed = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, field + " must be ISO-8601 with a zone offset");
        }
        Instant instant;
        try {
            instant = parsed.getYear() > LAST_YEAR ? null : parsed.toInstant();
        } catch (DateTimeException e) {
            instant = null;
        }
        if (instant == null || instant.isBefore(EARLIEST) || parsed.getYear() > LAST_YEAR) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, field + " must lie between 2000-01-01 and 9999-12-31");
        }
        return instant;
    }
}
