package io.shm.platform;

import java.util.Optional;
import java.util.UUID;

/**
 * Instance ids as every surface takes them (ingest headers and bodies, the admin API, JMX, the
 * dashboard): a UUID in its canonical 36-character form, in either case. {@link UUID#fromString}
 * alone also takes forms such as {@code 1-2-3-4-5}, which would name the same instance in two ways.
 */
public final class Uuids {

    private static final int CANONICAL_LENGTH = 36;

    private Uuids() {
    }

    /** The UUID {@code text} spells in canonical form, or empty for anything else (null included). */
    public static Optional<UUID> parseCanonical(String text) {
        if (text == null || text.length() != CANONICAL_LENGTH) {
            return Optional.empty();
        }
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equalsIgnoreCase(text) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }
}
