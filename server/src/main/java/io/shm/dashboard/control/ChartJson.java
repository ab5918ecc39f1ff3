package io.shm.dashboard.control;

import io.shm.platform.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.math.BigDecimal;
import java.util.List;

/**
 * Chart.js configurations for PrimeFaces' {@code p:chart}, built with JSON-P. PrimeFaces writes the
 * configuration into a script element as it is, so every {@code <}, {@code >} and {@code &} is
 * escaped as a JSON unicode escape: a metric key or version string like {@code </script>} stays a
 * string to Chart.js (which draws labels on a canvas, never as HTML) and cannot end the script.
 */
public final class ChartJson {

    static final List<String> PALETTE = List.of("#2196F3", "#F59E0B", "#10B981", "#8B5CF6", "#EF4444",
            "#14B8A6", "#EC4899", "#6366F1", "#84CC16", "#F97316");

    private ChartJson() {
    }

    /** A dataset: a label, values aligned with the chart's labels ({@code null} for a gap), a colour. */
    public record Dataset(String label, List<BigDecimal> values, String axis, boolean dashed) {
    }

    public static String line(List<String> labels, List<Dataset> datasets, boolean secondAxis) {
        return line(labels, datasets, secondAxis, false);
    }

    /** A line of whole counts (instances per day): straight segments, whole numbers on the axis. */
    public static String counts(List<String> labels, List<Dataset> datasets) {
        return line(labels, datasets, false, true);
    }

    private static String line(List<String> labels, List<Dataset> datasets, boolean secondAxis, boolean counts) {
        JsonArrayBuilder sets = JsonSupport.array();
        for (int i = 0; i < datasets.size(); i++) {
            Dataset dataset = datasets.get(i);
            String color = PALETTE.get(i % PALETTE.size());
            JsonObjectBuilder set = JsonSupport.object().add("label", dataset.label()).add("data", numbers(dataset.values()))
                    .add("borderColor", color).add("backgroundColor", color).add("spanGaps", false)
                    .add("tension", counts ? 0 : 0.2).add("pointRadius", points(dataset.values()) == 1 ? 5 : 2).add("yAxisID", dataset.axis());
            if (dataset.dashed()) {
                set.add("borderDash", JsonSupport.array().add(6).add(4));
            }
            sets.add(set);
        }
        JsonObjectBuilder y = JsonSupport.object().add("beginAtZero", true).add("position", "left");
        if (counts) {
            y.add("ticks", JsonSupport.object().add("precision", 0));
        }
        JsonObjectBuilder scales = JsonSupport.object().add("y", y);
        if (secondAxis) {
            scales.add("y1", JsonSupport.object().add("beginAtZero", true).add("position", "right")
                    .add("grid", JsonSupport.object().add("drawOnChartArea", false)));
        }
        return safe(JsonSupport.object().add("type", "line")
                .add("data", JsonSupport.object().add("labels", strings(labels)).add("datasets", sets))
                .add("options", options().add("scales", scales)).build());
    }

    /**
     * Bars of several datasets per label, side by side (new and churned instances per day); each
     * dataset in the colour given, or the palette's.
     */
    public static String bars(List<String> labels, List<Dataset> datasets, List<String> colors) {
        JsonArrayBuilder sets = JsonSupport.array();
        for (int i = 0; i < datasets.size(); i++) {
            String color = i < colors.size() ? colors.get(i) : PALETTE.get(i % PALETTE.size());
            sets.add(JsonSupport.object().add("label", datasets.get(i).label()).add("data", numbers(datasets.get(i).values()))
                    .add("backgroundColor", color).add("borderColor", color));
        }
        return safe(JsonSupport.object().add("type", "bar")
                .add("data", JsonSupport.object().add("labels", strings(labels)).add("datasets", sets))
                .add("options", options().add("scales", JsonSupport.object()
                        .add("y", JsonSupport.object().add("beginAtZero", true)
                                .add("ticks", JsonSupport.object().add("precision", 0))))).build());
    }

    /**
     * Stacked areas of percentages (each label's values add up to 100): the share of each version
     * day by day; the y axis runs from 0 to 100.
     */
    public static String stackedPercent(List<String> labels, List<Dataset> datasets) {
        JsonArrayBuilder sets = JsonSupport.array();
        for (int i = 0; i < datasets.size(); i++) {
            String color = PALETTE.get(i % PALETTE.size());
            sets.add(JsonSupport.object().add("label", datasets.get(i).label()).add("data", numbers(datasets.get(i).values()))
                    .add("borderColor", color).add("backgroundColor", color + "B3").add("fill", i == 0 ? "origin" : "-1")
                    .add("pointRadius", labels.size() == 1 ? 4 : 0).add("tension", 0).add("stack", "share"));
        }
        return safe(JsonSupport.object().add("type", "line")
                .add("data", JsonSupport.object().add("labels", strings(labels)).add("datasets", sets))
                .add("options", options()
                        .add("interaction", JsonSupport.object().add("mode", "index").add("intersect", false))
                        .add("scales", JsonSupport.object().add("y", JsonSupport.object().add("stacked", true)
                                .add("min", 0).add("max", 100)))).build());
    }

    public static String bar(List<String> labels, String label, List<BigDecimal> values) {
        return safe(JsonSupport.object().add("type", "bar")
                .add("data", JsonSupport.object().add("labels", strings(labels)).add("datasets", JsonSupport.array()
                        .add(JsonSupport.object().add("label", label).add("data", numbers(values))
                                .add("backgroundColor", PALETTE.get(0)))))
                .add("options", options().add("scales", JsonSupport.object()
                        .add("y", JsonSupport.object().add("beginAtZero", true)))).build());
    }

    public static String doughnut(List<String> labels, List<BigDecimal> values) {
        JsonArrayBuilder colors = JsonSupport.array();
        for (int i = 0; i < labels.size(); i++) {
            colors.add(PALETTE.get(i % PALETTE.size()));
        }
        return safe(JsonSupport.object().add("type", "doughnut")
                .add("data", JsonSupport.object().add("labels", strings(labels)).add("datasets", JsonSupport.array()
                        .add(JsonSupport.object().add("data", numbers(values)).add("backgroundColor", colors))))
                .add("options", options().add("plugins", JsonSupport.object()
                        .add("legend", JsonSupport.object().add("position", "right")))).build());
    }

    /** How many values of a dataset are not gaps: a series of one is drawn as a point, with no line to draw. */
    public static long points(List<BigDecimal> values) {
        return values.stream().filter(java.util.Objects::nonNull).count();
    }

    private static JsonObjectBuilder options() {
        return JsonSupport.object().add("responsive", true).add("maintainAspectRatio", false).add("animation", false);
    }

    private static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder array = JsonSupport.array();
        values.forEach(value -> array.add(value == null ? "" : value));
        return array;
    }

    private static JsonArrayBuilder numbers(List<BigDecimal> values) {
        JsonArrayBuilder array = JsonSupport.array();
        for (BigDecimal value : values) {
            if (value == null) {
                array.addNull();
            } else {
                array.add(value);
            }
        }
        return array;
    }

    /** JSON that is also inert inside an HTML script element. */
    static String safe(JsonObject config) {
        String json = config.toString();
        StringBuilder safe = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> safe.append("\\u003c");
                case '>' -> safe.append("\\u003e");
                case '&' -> safe.append("\\u0026");
                case '\u2028' -> safe.append("\\u2028");
                case '\u2029' -> safe.append("\\u2029");
                default -> safe.append(c);
            }
        }
        return safe.toString();
    }
}
