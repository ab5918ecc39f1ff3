package io.shm.badge.control;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The colours a badge may have: the defaults, and the only way a colour a visitor asked for gets
 * into an SVG. Whatever does not validate is dropped, so the caller keeps its default.
 */
public final class BadgeColor {

    public static final String GOOD = "#00D084";
    public static final String FAIR = "#F59E0B";
    public static final String POOR = "#EF4444";
    public static final String VERSION = "#8B5CF6";
    public static final String COMBINED = "#6366F1";
    public static final String ERROR = POOR;
    public static final String LABEL = "#555";

    // ASCII only: \p{XDigit} or Character.digit would also take full-width digits.
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{3}|[0-9a-fA-F]{6}");

    /** Not part of the protocol, but what users copy from shields.io badges; its values. */
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("brightgreen", "#4c1"),
            Map.entry("green", "#97ca00"),
            Map.entry("yellowgreen", "#a4a61d"),
            Map.entry("yellow", "#dfb317"),
            Map.entry("orange", "#fe7d37"),
            Map.entry("red", "#e05d44"),
            Map.entry("blue", "#007ec6"),
            Map.entry("lightgrey", "#9f9f9f"),
            Map.entry("grey", "#555"),
            Map.entry("gray", "#555"),
            Map.entry("success", "#4c1"),
            Map.entry("important", "#fe7d37"),
            Map.entry("critical", "#e05d44"),
            Map.entry("informational", "#007ec6"),
            Map.entry("inactive", "#9f9f9f"));

    private static final String LONGEST_NAME = "informational";

    private static final BigDecimal GOOD_METRIC = BigDecimal.valueOf(1000);
    private static final BigDecimal FAIR_METRIC = BigDecimal.valueOf(100);

    private BadgeColor() {
    }

    /**
     * @param requested a {@code color} query parameter: 3 or 6 hex digits without {@code #}, or a
     *                  shields.io colour name, in any case
     * @return the colour as {@code #rgb} or {@code #rrggbb} in lower case, or empty when it is none of these
     */
    public static Optional<String> parse(String requested) {
        if (requested == null || requested.length() > LONGEST_NAME.length()) {
            return Optional.empty();
        }
        if (HEX.matcher(requested).matches()) {
            return Optional.of("#" + requested.toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(NAMED.get(requested.toLowerCase(Locale.ROOT)));
    }

    /** How many active instances make a project look alive. */
    public static String forInstances(long count) {
        if (count >= 10) {
            return GOOD;
        }
        return count >= 5 ? FAIR : POOR;
    }

    public static String forMetric(BigDecimal value) {
        if (value.compareTo(GOOD_METRIC) >= 0) {
            return GOOD;
        }
        return value.compareTo(FAIR_METRIC) >= 0 ? FAIR : POOR;
    }
}
