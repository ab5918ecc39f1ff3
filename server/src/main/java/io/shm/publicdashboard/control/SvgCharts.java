package io.shm.publicdashboard.control;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The public page's charts, drawn on the server as inline SVG: no script runs on that page, so its
 * policy allows none. Colours come from classes of the page's stylesheet (light and dark); every label
 * goes through {@link PublicPageHtml#escape}. Each chart is an image with a title for screen readers,
 * and the page gives its figures as text beside it.
 */
final class SvgCharts {

    static final int WIDTH = 720;
    static final int HEIGHT = 220;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 30;

    private SvgCharts() {
    }

    /** A point of a chart: its x label (a day) and its value. */
    record Point(String label, double value, String shown) {
    }

    /**
     * A line over the points, on an axis from zero to the largest value; one point is drawn as a dot
     * with its value, as a line needs two.
     */
    static String line(String id, String title, List<Point> points) {
        StringBuilder svg = open(id, title, WIDTH, HEIGHT);
        double max = niceMax(points.stream().mapToDouble(Point::value).max().orElse(0));
        axis(svg, max, points);
        if (points.size() == 1) {
            double x = x(0, 1);
            double y = y(points.get(0).value(), max);
            svg.append("<circle class=\"shm-line-dot\" cx=\"").append(num(x)).append("\" cy=\"").append(num(y))
                    .append("\" r=\"5\"/>");
            svg.append("<text class=\"shm-axis-text\" text-anchor=\"middle\" x=\"").append(num(x)).append("\" y=\"")
                    .append(num(y - 10)).append("\">").append(PublicPageHtml.escape(points.get(0).shown())).append("</text>");
        } else {
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < points.size(); i++) {
                path.append(i == 0 ? "" : " ").append(num(x(i, points.size()))).append(',')
                        .append(num(y(points.get(i).value(), max)));
            }
            svg.append("<polyline class=\"shm-line\" fill=\"none\" points=\"").append(path).append("\"/>");
        }
        return svg.append("</svg>").toString();
    }

    /**
     * Shares of a whole per day, stacked: each series is a band whose height is its share of that
     * day's total. One day is drawn as one stacked bar.
     *
     * @param series per series, its value on each day
     * @param classes per series, the stylesheet class that colours it
     */
    static String stackedShares(String id, String title, List<String> days, List<List<Long>> series, List<String> classes) {
        StringBuilder svg = open(id, title, WIDTH, HEIGHT);
        List<Point> axisPoints = days.stream().map(day -> new Point(day, 0, "")).toList();
        axisPercent(svg, axisPoints);
        int n = days.size();
        double[] below = new double[n];
        double[] totals = new double[n];
        for (List<Long> values : series) {
            for (int d = 0; d < n; d++) {
                totals[d] += values.get(d);
            }
        }
        for (int s = 0; s < series.size(); s++) {
            String css = classes.get(s);
            double[] above = new double[n];
            for (int d = 0; d < n; d++) {
                above[d] = below[d] + (totals[d] == 0 ? 0 : series.get(s).get(d) / totals[d]);
            }
            if (n == 1) {
                double width = (WIDTH - LEFT - RIGHT) / 3.0;
                double x = x(0, 1) - width / 2;
                svg.append("<rect class=\"").append(css).append("\" x=\"").append(num(x)).append("\" y=\"")
                        .append(num(y(above[0], 1))).append("\" width=\"").append(num(width)).append("\" height=\"")
                        .append(num(y(below[0], 1) - y(above[0], 1))).append("\"/>");
            } else {
                StringBuilder polygon = new StringBuilder();
                for (int d = 0; d < n; d++) {
                    polygon.append(num(x(d, n))).append(',').append(num(y(above[d], 1))).append(' ');
                }
                for (int d = n - 1; d >= 0; d--) {
                    polygon.append(num(x(d, n))).append(',').append(num(y(below[d], 1))).append(d == 0 ? "" : " ");
                }
                svg.append("<polygon class=\"").append(css).append("\" points=\"").append(polygon).append("\"/>");
            }
            below = above;
        }
        return svg.append("</svg>").toString();
    }

    /** A horizontal bar for a share from 0 to 1, beside the figure it stands for; decorative. */
    static String bar(double share) {
        double width = Math.max(0, Math.min(1, share)) * 100;
        return "<svg class=\"shm-bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">"
                + "<rect class=\"shm-bar-track\" width=\"100\" height=\"8\"/><rect class=\"shm-bar-fill\" width=\""
                + num(width) + "\" height=\"8\"/></svg>";
    }

    private static StringBuilder open(String id, String title, int width, int height) {
        return new StringBuilder("<svg class=\"shm-chart\" id=\"").append(PublicPageHtml.escape(id))
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-labelledby=\"").append(PublicPageHtml.escape(id)).append("-title\"><title id=\"")
                .append(PublicPageHtml.escape(id)).append("-title\">").append(PublicPageHtml.escape(title)).append("</title>");
    }

    /** Grid lines at 0, half and the top of a count axis, and the first, middle and last labels of x. */
    private static void axis(StringBuilder svg, double max, List<Point> points) {
        grid(svg, List.of(0.0, max / 2, max), value -> value / (max == 0 ? 1 : max), SvgCharts::count);
        xLabels(svg, points);
    }

    private static void axisPercent(StringBuilder svg, List<Point> points) {
        grid(svg, List.of(0.0, 0.5, 1.0), value -> value, value -> Math.round(value * 100) + " %");
        xLabels(svg, points);
    }

    private static void grid(StringBuilder svg, List<Double> values, Function<Double, Double> fraction,
                             Function<Double, String> label) {
        for (double value : values) {
            double y = y(fraction.apply(value), 1);
            svg.append("<line class=\"shm-grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y1=\"").append(num(y)).append("\" y2=\"").append(num(y)).append("\"/>");
            svg.append("<text class=\"shm-axis-text\" text-anchor=\"end\" x=\"").append(LEFT - 6).append("\" y=\"")
                    .append(num(y + 4)).append("\">").append(PublicPageHtml.escape(label.apply(value))).append("</text>");
        }
    }

    private static void xLabels(StringBuilder svg, List<Point> points) {
        int n = points.size();
        List<Integer> shown = new ArrayList<>();
        if (n > 0) {
            shown.add(0);
        }
        if (n > 2) {
            shown.add(n / 2);
        }
        if (n > 1) {
            shown.add(n - 1);
        }
        for (int i : shown) {
            String anchor = n == 1 ? "middle" : i == 0 ? "start" : i == n - 1 ? "end" : "middle";
            svg.append("<text class=\"shm-axis-text\" text-anchor=\"").append(anchor).append("\" x=\"")
                    .append(num(x(i, n))).append("\" y=\"").append(HEIGHT - 8).append("\">")
                    .append(PublicPageHtml.escape(points.get(i).label())).append("</text>");
        }
    }

    private static double x(int index, int count) {
        double span = WIDTH - LEFT - RIGHT;
        return count <= 1 ? LEFT + span / 2 : LEFT + span * index / (count - 1);
    }

    /** The y of a value on an axis from 0 to {@code max}. */
    private static double y(double value, double max) {
        double span = HEIGHT - TOP - BOTTOM;
        return TOP + span * (1 - (max == 0 ? 0 : value / max));
    }

    /** 1, 2 or 5 times a power of ten, at least the value: round figures on the axis. */
    static double niceMax(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (value <= step * power) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String count(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : num(value);
    }

    private static String num(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
