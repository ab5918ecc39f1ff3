package io.shm.dashboard.control;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/**
 * A sparkline drawn on the server as the points of an SVG polyline in a {@value #WIDTH} by
 * {@value #HEIGHT} view box: a card shows a trend without a script or a chart library, and a page
 * with dozens of them costs nothing to draw. The lowest value sits at the bottom, the highest at the
 * top; a flat series runs through the middle.
 */
public final class Sparkline {

    public static final int WIDTH = 100;
    public static final int HEIGHT = 28;

    private Sparkline() {
    }

    /** {@code "x,y x,y ..."}, one point per value (gaps left out); empty for no value. */
    public static String points(List<BigDecimal> values) {
        List<BigDecimal> known = values.stream().filter(java.util.Objects::nonNull).toList();
        if (known.isEmpty()) {
            return "";
        }
        BigDecimal min = known.stream().min(BigDecimal::compareTo).orElseThrow();
        BigDecimal max = known.stream().max(BigDecimal::compareTo).orElseThrow();
        BigDecimal range = max.subtract(min);
        StringBuilder points = new StringBuilder();
        int n = values.size();
        for (int i = 0; i < n; i++) {
            BigDecimal value = values.get(i);
            if (value == null) {
                continue;
            }
            double x = n == 1 ? WIDTH / 2.0 : (double) WIDTH * i / (n - 1);
            double y = range.signum() == 0 ? HEIGHT / 2.0
                    : 2 + (HEIGHT - 4) * (1 - value.subtract(min).divide(range, MathContext.DECIMAL64).doubleValue());
            if (points.length() > 0) {
                points.append(' ');
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        return points.toString();
    }

    /** The last point of {@link #points}, where the card draws a dot; empty for no value. */
    public static String last(String points) {
        if (points.isEmpty()) {
            return "";
        }
        return points.substring(points.lastIndexOf(' ') + 1);
    }
}
