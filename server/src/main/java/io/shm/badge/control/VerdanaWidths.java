package io.shm.badge.control;

/**
 * Advance widths of Verdana at 11px, close enough to size a badge: the SVG's textLength makes the
 * viewer's real font fit whatever width is estimated here.
 */
final class VerdanaWidths {

    /** Printable ASCII from the space (0x20) to the tilde (0x7E), in pixels. */
    private static final double[] ASCII = {
        3.87, 4.33, 5.05, 9.00, 7.00, 11.84, 7.99, 2.94, 4.99, 4.99, 7.00, 9.00, 4.00, 4.99, 4.00, 4.99, // space to /
        7.00, 7.00, 7.00, 7.00, 7.00, 7.00, 7.00, 7.00, 7.00, 7.00,                                     // 0 to 9
        4.99, 4.99, 9.00, 9.00, 9.00, 6.00, 11.00,                                                       // : to @
        7.52, 7.55, 7.68, 8.47, 6.95, 6.33, 8.52, 8.27, 4.63, 5.00, 7.62, 6.13, 9.27,                   // A to M
        8.23, 8.66, 6.63, 8.66, 7.65, 7.52, 6.67, 8.05, 7.52, 10.88, 7.54, 6.65, 7.52,                  // N to Z
        4.99, 4.99, 4.99, 9.00, 7.00, 7.00,                                                              // [ to `
        6.61, 6.85, 5.73, 6.85, 6.54, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.71,                  // a to m
        6.96, 6.68, 6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 9.00, 6.51, 6.51, 5.78,                   // n to z
        6.98, 4.99, 6.98, 9.00,                                                                          // { to ~
    };

    private static final double OTHER = 7.5;
    private static final double WIDE = 11.0;

    private VerdanaWidths() {
    }

    static double of(int codePoint) {
        if (codePoint >= 0x20 && codePoint <= 0x7E) {
            return ASCII[codePoint - 0x20];
        }
        int type = Character.getType(codePoint);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        return isWide(codePoint) ? WIDE : OTHER;
    }

    /** East Asian scripts and emoji take a full em. */
    private static boolean isWide(int codePoint) {
        if (Character.isIdeographic(codePoint) || codePoint >= 0x1F000) {
            return true;
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HANGUL
                || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA
                || (codePoint >= 0xFF01 && codePoint <= 0xFF60);
    }
}
