package io.shm.dashboard.boundary;

import io.shm.badge.control.CompactNumber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.time.Instant;

/** Formatting for pages: compact numbers ({@code 1.2k}) and instants the browser shows in the viewer's time zone. */
@Named("fmt")
@ApplicationScoped
public class Format {

    public String compact(Object value) {
        if (value == null) {
            return "–";
        }
        if (value instanceof BigDecimal number) {
            return CompactNumber.format(number);
        }
        if (value instanceof Number number) {
            return CompactNumber.format(new BigDecimal(number.toString()));
        }
        return value.toString();
    }

    /** ISO-8601 UTC; shm.js rewrites {@code <time>} elements into the viewer's local time. */
    public String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    public String percent(BigDecimal ratio) {
        if (ratio == null) {
            return "";
        }
        BigDecimal percent = ratio.movePointRight(2).setScale(1, java.math.RoundingMode.HALF_UP);
        return (percent.signum() > 0 ? "+" : "") + percent.stripTrailingZeros().toPlainString() + " %";
    }

    public static boolean isSystemKey(String key) {
        return key.startsWith("sys_") || key.startsWith("app_");
    }
}
