package io.shm.badge.control;

import io.shm.platform.Markup;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A flat two-part badge in the style of shields.io: a grey label on the left, a coloured message on
 * the right. Labels come from query parameters and messages from what clients report, so both are
 * treated as hostile: stripped of what XML cannot carry, clamped in length, and escaped.
 */
public final class BadgeSvg {

    /** Long enough for any honest label; a hostile one cannot make the badge huge. */
    static final int MAX_TEXT_LENGTH = 64;
    static final String ELLIPSIS = "…";

    private static final int HEIGHT = 20;
    private static final int PADDING = 5;

    // What BadgeColor hands out; anything else is a bug in the caller, not a colour to escape.
    private static final Pattern COLOR = Pattern.compile("#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})");

    private BadgeSvg() {
    }

    /**
     * @param label   any text; shortened to {@value #MAX_TEXT_LENGTH} characters
     * @param message any text; shortened to {@value #MAX_TEXT_LENGTH} characters
     * @param color   the message part's colour, as {@link BadgeColor} gives it ({@code #rgb} or {@code #rrggbb})
     */
    public static String render(String label, String message, String color) {
        if (!COLOR.matcher(Objects.requireNonNull(color, "color")).matches()) {
            throw new IllegalArgumentException("Not a colour from BadgeColor: " + color);
        }
        String left = clamp(xmlText(Objects.requireNonNull(label, "label")));
        String right = clamp(xmlText(Objects.requireNonNull(message, "message")));

        int leftWidth = partWidth(left);
        int rightWidth = partWidth(right);
        int width = leftWidth + rightWidth;
        String title = escape(left + ": " + right);
        String leftText = escape(left);
        String rightText = escape(right);

        StringBuilder svg = new StringBuilder(1200 + 4 * (leftText.length() + rightText.length()));
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(title).append("\">")
                .append("<title>").append(title).append("</title>")
                .append("<linearGradient id=\"s\" x2=\"0\" y2=\"100%\">")
                .append("<stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>")
                .append("<stop offset=\"1\" stop-opacity=\".1\"/>")
                .append("</linearGradient>")
                .append("<clipPath id=\"r\"><rect width=\"").append(width).append("\" height=\"").append(HEIGHT)
                .append("\" rx=\"3\" fill=\"#fff\"/></clipPath>")
                .append("<g clip-path=\"url(#r)\">")
                .append("<rect width=\"").append(leftWidth).append("\" height=\"").append(HEIGHT)
                .append("\" fill=\"").append(BadgeColor.LABEL).append("\"/>")
                .append("<rect x=\"").append(leftWidth).append("\" width=\"").append(rightWidth)
                .append("\" height=\"").append(HEIGHT).append("\" fill=\"").append(color).append("\"/>")
                .append("<rect width=\"").append(width).append("\" height=\"").append(HEIGHT).append("\" fill=\"url(#s)\"/>")
                .append("</g>")
                .append("<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\"")
                .append(" text-rendering=\"geometricPrecision\" font-size=\"11\">");
        text(svg, leftText, leftWidth / 2.0, left);
        text(svg, rightText, leftWidth + rightWidth / 2.0, right);
        return svg.append("</g></svg>").toString();
    }

    /** The text twice: a faint shadow one pixel down, hidden from screen readers, then the text itself. */
    private static void text(StringBuilder svg, String escaped, double centre, String raw) {
        if (raw.isEmpty()) {
            return;
        }
        // textLength makes the real font fit the estimated width, whatever font the viewer has.
        String placement = " x=\"" + number(centre) + "\" textLength=\"" + number(textWidth(raw)) + "\"";
        svg.append("<text aria-hidden=\"true\"").append(placement)
                .append(" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">").append(escaped).append("</text>")
                .append("<text").append(placement).append(" y=\"14\">").append(escaped).append("</text>");
    }

    static int partWidth(String text) {
        return (int) Math.ceil(textWidth(text)) + 2 * PADDING;
    }

    /** Approximate width in Verdana 11px, the font shields.io measures with. */
    static double textWidth(String text) {
        return text.codePoints().mapToDouble(VerdanaWidths::of).sum();
    }

    /**
     * Keeps the characters XML 1.0 allows, less the control characters; tab, newline and carriage
     * return become spaces since a badge has one line.
     */
    static String xmlText(String text) {
        StringBuilder kept = new StringBuilder(Math.min(text.length(), 4 * MAX_TEXT_LENGTH));
        // Only the clamped length is ever shown, so a megabyte of label is not worth scanning.
        int keptCodePoints = 0;
        for (int i = 0; i < text.length() && keptCodePoints <= MAX_TEXT_LENGTH; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\t' || c == '\n' || c == '\r') {
                kept.append(' ');
                keptCodePoints++;
            } else if (allowedInXml(c) && !Character.isISOControl(c)) {
                kept.appendCodePoint(c);
                keptCodePoints++;
            }
        }
        return kept.toString();
    }

    private static boolean allowedInXml(int c) {
        return (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /** At most {@value #MAX_TEXT_LENGTH} code points, so no surrogate pair is cut in half. */
    static String clamp(String text) {
        if (text.codePointCount(0, text.length()) <= MAX_TEXT_LENGTH) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, MAX_TEXT_LENGTH - 1)) + ELLIPSIS;
    }

    /** Escapes for text and for attribute values in either quote. */
    static String escape(String text) {
        return Markup.escape(text);
    }

    private static String number(double value) {
        return value == Math.rint(value)
                ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
