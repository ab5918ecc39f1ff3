package io.shm.publicdashboard.control;

import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.TimeToHalf;
import io.shm.aggregation.entity.ValueCount;
import io.shm.aggregation.entity.VersionShares;
import io.shm.platform.Markup;
import java.math.BigDecimal;
import java.text.MessageFormat;
import java.text.NumberFormat;
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
        adoption(html, fleet.adoption(), fleet.timeToHalf());
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

    private void installBase(StringBuilder html, List<InstallBaseDay> installBase) {
        section(html, "install-base", text("installBase"));
        if (installBase.isEmpty()) {
            empty(html, text("installBase.empty"));
        } else {
            InstallBaseDay latest = installBase.get(installBase.size() - 1);
            html.append("<p>").append(escape(format("installBase.latest", days.format(latest.day()), latest.active()))).append("</p>");
            List<SvgCharts.Point> points = new ArrayList<>();
            for (InstallBaseDay day : installBase) {
                points.add(new SvgCharts.Point(days.format(day.day()), day.active(), integer(day.active())));
            }
            html.append(SvgCharts.line("install-base-chart", text("installBase.chart"), points));
            html.append("<details><summary>").append(escape(text("table.summary"))).append("</summary><table id=\"install-base-table\"><thead><tr>");
            header(html, "table.day", false);
            header(html, "table.active", true);
            header(html, "table.new", true);
            header(html, "table.churned", true);
            html.append("</tr></thead><tbody>");
            for (InstallBaseDay day : installBase) {
                html.append("<tr><td>").append(escape(days.format(day.day()))).append("</td>");
                for (long count : new long[] {day.active(), day.newInstances(), day.churned()}) {
                    html.append("<td class=\"shm-num\">").append(escape(integer(count))).append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</tbody></table></details>");
        }
        html.append("</section>");
    }

    private void header(StringBuilder html, String key, boolean numeric) {
        html.append("<th scope=\"col\"").append(numeric ? " class=\"shm-num\"" : "").append('>').append(escape(text(key))).append("</th>");
    }

    private void adoption(StringBuilder html, VersionShares adoption, TimeToHalf timeToHalf) {
        section(html, "adoption", text("adoption"));
        if (adoption.days().isEmpty()) {
            empty(html, text("adoption.empty"));
            html.append("</section>");
            return;
        }
        List<String> labels = adoption.days().stream().map(day -> days.format(day.day())).toList();
        List<List<Long>> series = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int column = 0; column < adoption.columns(); column++) {
            int at = column;
            series.add(adoption.days().stream().map(day -> day.instances().get(at)).toList());
            boolean other = column >= adoption.versions().size();
            classes.add(other ? "shm-pc-other" : "shm-pc" + column);
            names.add(other ? text("version.other") : version(adoption.versions().get(column)));
        }
        html.append(SvgCharts.stackedShares("adoption-chart", text("adoption.chart"), labels, series, classes));
        VersionShares.Day latest = adoption.days().get(adoption.days().size() - 1);
        html.append("<h3>").append(escape(format("adoption.latest", days.format(latest.day())))).append("</h3><ul class=\"shm-legend\" id=\"versions\">");
        for (int column = 0; column < adoption.columns(); column++) {
            html.append("<li><span class=\"shm-swatch ").append(classes.get(column)).append("\" aria-hidden=\"true\"></span><span class=\"shm-legend-name\">")
                    .append(escape(names.get(column))).append("</span> <span class=\"shm-num\">")
                    .append(escape(percent(latest.percents().get(column)))).append("</span></li>");
        }
        html.append("</ul>");
        if (timeToHalf.medianDays() != null) {
            html.append("<p id=\"median-days\">").append(escape(format("adoption.median", timeToHalf.medianDays(), decimal(timeToHalf.medianDays())))).append("</p>");
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
        return percent(whole == 0 ? BigDecimal.ZERO : BigDecimal.valueOf(part * 100.0 / whole));
    }

    /** A percentage given from 0 to 100, with one decimal at most. */
    private String percent(BigDecimal percent) {
        NumberFormat format = NumberFormat.getPercentInstance(locale);
        format.setMaximumFractionDigits(1);
        return format.format(percent.movePointLeft(2));
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
    static String escape(String text) {
        return Markup.escape(text);
    }
}
