package io.shm.publicdashboard.control;

import io.shm.aggregation.entity.ValueCount;
import java.math.BigDecimal;
import java.text.MessageFormat;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The public page as HTML, written on the server: no script, inline SVG charts, one stylesheet of the
 * server's own. Everything that comes from clients or the maintainer (names, versions, keys, values)
 * is escaped here, in text and in attributes alike.
 */
public final class PublicPageHtml {

    static final String BUNDLE = "io.shm.publicdashboard.messages";
    static final String STYLESHEET = "/resources/shm/public.css";

    private final ResourceBundle messages;
    private final Locale locale;
    private final String contextPath;
    private final DateTimeFormatter days;

    PublicPageHtml(Locale locale, String contextPath) {
        this.locale = locale;
        this.messages = ResourceBundle.getBundle(BUNDLE, locale);
        this.contextPath = contextPath;
        this.days = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale);
    }

    /** The page of an application's fleet. */
    String page(PublicFleet fleet) {
        StringBuilder html = head(fleet.name());
        html.append("<header class=\"shm-public-header\">");
        if (fleet.logoUrl() != null) {
            html.append("<img class=\"shm-public-logo\" src=\"").append(escape(fleet.logoUrl())).append("\" alt=\"\" width=\"48\" height=\"48\"/>");
        }
        html.append("<div><h1>").append(escape(fleet.name())).append("</h1><p class=\"shm-public-count\" id=\"active\">")
                .append(escape(format("active", fleet.activeInstances()))).append("</p></div></header>");
        html.append("<main>");
        installBase(html, fleet.installBase());
        adoption(html, fleet.adoption());
        osArch(html, fleet.osArch());
        keys(html, fleet.keys());
        html.append("</main><footer class=\"shm-public-footer\"><p>").append(escape(text("footer")));
        if (fleet.asOf() != null) {
            html.append(' ').append(escape(format("asOf", DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                    .withLocale(locale).format(fleet.asOf().atZone(ZoneOffset.UTC)))));
        }
        return html.append("</p></footer></body></html>").toString();
    }

    /** A short page that says why there is nothing to show: not found, too many requests, unavailable. */
    String message(String titleKey, String textKey, Object... arguments) {
        StringBuilder html = head(text(titleKey));
        return html.append("<main class=\"shm-public-message\"><h1>").append(escape(text(titleKey))).append("</h1><p>")
                .append(escape(format(textKey, arguments))).append("</p></main></body></html>").toString();
    }

    private StringBuilder head(String title) {
        return new StringBuilder("<!DOCTYPE html><html lang=\"").append(escape(locale.getLanguage()))
                .append("\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>")
                .append(escape(title)).append(" · SHM</title><link rel=\"stylesheet\" href=\"")
                .append(escape(contextPath + STYLESHEET)).append("\"/></head><body class=\"shm-public\">");
    }

    private void installBase(StringBuilder html, List<PublicFleet.Day> installBase) {
        section(html, "install-base", text("installBase"));
        if (installBase.isEmpty()) {
            empty(html, text("installBase.empty"));
        } else {
            PublicFleet.Day latest = installBase.get(installBase.size() - 1);
            html.append("<p>").append(escape(format("installBase.latest", days.format(latest.day()), latest.instances()))).append("</p>");
            List<SvgCharts.Point> points = new ArrayList<>();
            for (PublicFleet.Day day : installBase) {
                points.add(new SvgCharts.Point(days.format(day.day()), day.instances(), integer(day.instances())));
            }
            html.append(SvgCharts.line("install-base-chart", text("installBase.chart"), points));
            html.append("<details><summary>").append(escape(text("table.summary"))).append("</summary><table><thead><tr><th scope=\"col\">")
                    .append(escape(text("table.day"))).append("</th><th scope=\"col\" class=\"shm-num\">")
                    .append(escape(text("table.instances"))).append("</th></tr></thead><tbody>");
            for (PublicFleet.Day day : installBase) {
                html.append("<tr><td>").append(escape(days.format(day.day()))).append("</td><td class=\"shm-num\">")
                        .append(escape(integer(day.instances()))).append("</td></tr>");
            }
            html.append("</tbody></table></details>");
        }
        html.append("</section>");
    }

    private void adoption(StringBuilder html, PublicFleet.Adoption adoption) {
        section(html, "adoption", text("adoption"));
        if (adoption.days().isEmpty()) {
            empty(html, text("adoption.empty"));
            html.append("</section>");
            return;
        }
        List<String> labels = adoption.days().stream().map(day -> days.format(day.day())).toList();
        List<List<Long>> series = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (int v = 0; v < adoption.versions().size(); v++) {
            int column = v;
            series.add(adoption.days().stream().map(day -> day.counts().get(column)).toList());
            classes.add(adoption.versions().get(v) == null ? "shm-pc-other" : "shm-pc" + v);
        }
        html.append(SvgCharts.stackedShares("adoption-chart", text("adoption.chart"), labels, series, classes));
        PublicFleet.VersionDay latest = adoption.days().get(adoption.days().size() - 1);
        html.append("<h3>").append(escape(format("adoption.latest", days.format(latest.day())))).append("</h3><ul class=\"shm-legend\" id=\"versions\">");
        for (int v = 0; v < adoption.versions().size(); v++) {
            html.append("<li><span class=\"shm-swatch ").append(classes.get(v)).append("\" aria-hidden=\"true\"></span><span class=\"shm-legend-name\">")
                    .append(escape(version(adoption.versions().get(v)))).append("</span> <span class=\"shm-num\">")
                    .append(escape(percent(latest.counts().get(v), latest.total()))).append("</span></li>");
        }
        html.append("</ul>");
        if (adoption.medianDaysToHalf() != null) {
            html.append("<p id=\"median-days\">").append(escape(format("adoption.median", adoption.medianDaysToHalf()))).append("</p>");
        }
        html.append("</section>");
    }

    private void osArch(StringBuilder html, List<ValueCount> osArch) {
        section(html, "os-arch", text("osArch"));
        if (osArch.isEmpty()) {
            empty(html, text("osArch.empty"));
        } else {
            values(html, "os-arch-values", osArch);
        }
        html.append("</section>");
    }

    private void keys(StringBuilder html, List<PublicFleet.KeyFigure> keys) {
        if (keys.isEmpty()) {
            return;
        }
        section(html, "keys", text("keys"));
        html.append("<div class=\"shm-public-keys\">");
        int index = 0;
        for (PublicFleet.KeyFigure key : keys) {
            html.append("<article class=\"shm-public-key\" data-key=\"").append(escape(key.key())).append("\"><h3>")
                    .append(escape(key.key())).append("</h3>");
            if (key.numeric()) {
                html.append("<p class=\"shm-public-total\">").append(escape(decimal(key.total()))).append("</p><p class=\"shm-muted\">")
                        .append(escape(format("key.total", key.instances()))).append("</p>");
                if (!key.series().isEmpty()) {
                    List<SvgCharts.Point> points = key.series().stream().map(point -> new SvgCharts.Point(days.format(point.day()),
                            point.total().doubleValue(), decimal(point.total()))).toList();
                    html.append(SvgCharts.line("key-chart-" + index, format("key.chart", key.key()), points));
                }
            } else if (!key.values().isEmpty()) {
                values(html, "key-values-" + index, key.values());
            } else {
                empty(html, text("key.empty"));
            }
            html.append("</article>");
            index++;
        }
        html.append("</div></section>");
    }

    /** Instances per value as a table of value, count and share, with a bar for the share. */
    private void values(StringBuilder html, String id, List<ValueCount> values) {
        long total = values.stream().mapToLong(ValueCount::instances).sum();
        html.append("<table class=\"shm-values\" id=\"").append(escape(id)).append("\"><thead><tr><th scope=\"col\">")
                .append(escape(text("table.value"))).append("</th><th scope=\"col\" class=\"shm-num\">").append(escape(text("table.instances")))
                .append("</th><th scope=\"col\" class=\"shm-num\">").append(escape(text("table.share"))).append("</th></tr></thead><tbody>");
        for (ValueCount value : values) {
            html.append("<tr><td>").append(escape(value.value() == null ? text("value.other") : value.value()))
                    .append("</td><td class=\"shm-num\">").append(escape(integer(value.instances())))
                    .append("</td><td class=\"shm-num shm-share\">").append(SvgCharts.bar(total == 0 ? 0 : (double) value.instances() / total))
                    .append(escape(percent(value.instances(), total))).append("</td></tr>");
        }
        html.append("</tbody></table>");
    }

    private static void section(StringBuilder html, String id, String title) {
        html.append("<section class=\"shm-public-section\" aria-labelledby=\"").append(id).append("-heading\"><h2 id=\"")
                .append(id).append("-heading\">").append(escape(title)).append("</h2>");
    }

    private static void empty(StringBuilder html, String text) {
        html.append("<p class=\"shm-muted\">").append(escape(text)).append("</p>");
    }

    private String version(String version) {
        if (version == null) {
            return text("version.other");
        }
        return version.isBlank() ? text("version.unknown") : version;
    }

    private String percent(long part, long whole) {
        NumberFormat format = NumberFormat.getPercentInstance(locale);
        format.setMaximumFractionDigits(1);
        return format.format(whole == 0 ? 0 : (double) part / whole);
    }

    private String integer(long value) {
        return NumberFormat.getIntegerInstance(locale).format(value);
    }

    private String decimal(BigDecimal value) {
        NumberFormat format = NumberFormat.getNumberInstance(locale);
        format.setMaximumFractionDigits(2);
        return format.format(value);
    }

    private String text(String key) {
        return messages.getString(key);
    }

    private String format(String key, Object... arguments) {
        return new MessageFormat(text(key), locale).format(arguments);
    }

    /** Text made safe for HTML and SVG, in an element or in a quoted attribute. */
    public static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static LocalDate day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
