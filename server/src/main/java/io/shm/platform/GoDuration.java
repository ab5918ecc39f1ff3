package io.shm.platform;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration in Go's syntax ({@code time.ParseDuration}), as the original SHM server reads its
 * rate-limit periods: a sequence of decimal numbers, each with a unit, such as {@code 1m},
 * {@code 30s}, {@code 1h30m}, {@code 500ms} or {@code 1.5h}; units {@code ns us µs ms s m h}.
 * Exact to the nanosecond.
 */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** The duration, or an {@link IllegalArgumentException} that says what is wrong with the text. */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.strip();
        boolean negative = value.startsWith("-");
        if (negative || value.startsWith("+")) {
            value = value.substring(1);
        }
        if ("0".equals(value)) {
            return Duration.ZERO;
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a Go duration such as 1m, 30s or 1h30m, not '" + text + "'");
        }
        Matcher part = PART.matcher(value);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < value.length()) {
            if (!part.find(at) || part.start() != at) {
                throw new IllegalArgumentException("a Go duration such as 1m, 30s or 1h30m, not '" + text + "'");
            }
            nanos = nanos.add(new BigDecimal(part.group(1).startsWith(".") ? "0" + part.group(1) : part.group(1))
                    .multiply(BigDecimal.valueOf(NANOS.get(part.group(2)))));
            at = part.end();
        }
        // Go keeps whole nanoseconds in an int64: a fraction of one is dropped, more than 292 years refused.
        BigDecimal whole = nanos.setScale(0, RoundingMode.DOWN);
        if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("a Go duration of at most 2562047h, not '" + text + "'");
        }
        Duration duration = Duration.ofNanos(whole.longValue());
        return negative ? duration.negated() : duration;
    }
}
