package io.shm.launcher;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the original server's values become this server's: slugs, public keys, statuses, and the
 * limits a stored snapshot must respect here. The server has the same rules in its own classes
 * (Application.slugOf, the ingest limits); the launcher cannot load the WAR's classes, so they are
 * repeated here and kept in step by the import's integration test.
 */
final class OriginalValues {

    /** Longest metric key the rollups store (fleet_rollup.metric_key), as the ingest limit. */
    static final int MAX_KEY_LENGTH = 128;
    /** Longest string value the rollups store (fleet_rollup.text_value), as the ingest limit. */
    static final int MAX_STRING_LENGTH = 1024;
    /** The original's app_name when the SDK sent none. */
    static final String UNKNOWN_APP = "unknown_app";

    private static final int SLUG_MAX = 100;
    private static final int NAME_MAX = 200;
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");

    private OriginalValues() {
    }

    /** The slug of an application name: lower case, accents folded, other runs one '-', trimmed; "app" if empty. */
    static String slugOf(String name) {
        String folded = COMBINING_MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll("");
        String slug = trimDashes(NOT_SLUG.matcher(folded.toLowerCase(Locale.ROOT)).replaceAll("-"));
        if (slug.length() > SLUG_MAX) {
            slug = trimDashes(slug.substring(0, SLUG_MAX));
        }
        return slug.isEmpty() ? "app" : slug;
    }

    private static String trimDashes(String slug) {
        int start = 0;
        int end = slug.length();
        while (start < end && slug.charAt(start) == '-') {
            start++;
        }
        while (end > start && slug.charAt(end - 1) == '-') {
            end--;
        }
        return slug.substring(start, end);
    }

    /** An application's name: as the SDK sent it, trimmed; the original's default when it sent none. */
    static String applicationName(String appName) {
        String name = appName == null ? "" : appName.strip();
        if (name.isEmpty()) {
            name = UNKNOWN_APP;
        }
        return name.length() > NAME_MAX ? name.substring(0, NAME_MAX) : name;
    }

    /**
     * The 32-byte key from the original's column, which holds the key's 64 hex characters as bytes;
     * 32 raw bytes are taken as they are. Empty for anything else.
     */
    static Optional<byte[]> publicKey(byte[] stored) {
        if (stored == null) {
            return Optional.empty();
        }
        if (stored.length == 64) {
            String hex = new String(stored, StandardCharsets.US_ASCII);
            return HEX_KEY.matcher(hex).matches() ? Optional.of(HexFormat.of().parseHex(hex)) : Optional.empty();
        }
        return stored.length == 32 ? Optional.of(stored.clone()) : Optional.empty();
    }

    /** This server's status for the original's ({@code pending}, {@code active}, {@code revoked}). */
    static String status(String original) {
        String status = original == null ? "" : original.strip().toUpperCase(Locale.ROOT);
        return switch (status) {
            case "ACTIVE", "REVOKED" -> status;
            default -> "PENDING";
        };
    }

    /** A text column of this server that holds at most {@code max} characters. */
    static String fit(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
