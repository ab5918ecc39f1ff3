package io.shm.instance.entity;

import java.util.Locale;
import java.util.Optional;

/**
 * How lists, exports and the dashboard select instances by status, in the words they take
 * ({@code status=active|inactive|pending|revoked}). Active and inactive split the activated,
 * unrevoked instances by the active window; pending and revoked are stored statuses.
 */
public enum StatusFilter {
    ACTIVE, INACTIVE, PENDING, REVOKED;

    /** The filter a parameter names, in either case; empty for a blank one. */
    public static Optional<StatusFilter> parse(String value) throws IllegalArgumentException {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String wanted = value.strip().toUpperCase(Locale.ROOT);
        for (StatusFilter filter : values()) {
            if (filter.name().equals(wanted)) {
                return Optional.of(filter);
            }
        }
        throw new IllegalArgumentException("status must be active, inactive, pending or revoked");
    }

    /** As parameters and message keys spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
