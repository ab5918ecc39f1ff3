package io.shm.badge.control;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers as badges show them: {@code 7}, {@code 12.3}, {@code 1.2k}, {@code 3.4M}, {@code 1.0B},
 * {@code 1.0T}. Above that the {@code T} form just grows ({@code 1234.6T}): scientific notation
 * would mean nothing to most readers of a README.
 */
public final class CompactNumber {

    private static final String[] SUFFIXES = {"", "k", "M", "B", "T"};
    private static final int LARGEST_TIER = SUFFIXES.length - 1;

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    /** Below this a value rounds to zero at one decimal; answering early keeps tiny values cheap. */
    private static final BigDecimal ROUNDS_TO_ZERO = new BigDecimal("0.05");

    /*
     * Stored metrics have at most 1,000 integer digits, and sums of them a few more. A BigDecimal
     * such as 1E+999999999 is small in memory but its plain digits are not, so far beyond anything
     * legal the answer is a symbol instead of a gigabyte of digits.
     */
    static final int MAX_INTEGER_DIGITS = 10_000;
    static final String TOO_LARGE = "∞";

    private CompactNumber() {
    }

    public static String format(long value) {
        return format(BigDecimal.valueOf(value));
    }

    public static String format(BigDecimal value) {
        BigDecimal magnitude = value.abs();
        String sign = value.signum() < 0 ? "-" : "";
        if (magnitude.compareTo(ROUNDS_TO_ZERO) < 0) {
            // No "-0" for a value such as -0.01.
            return "0";
        }
        long integerDigits = (long) magnitude.precision() - magnitude.scale();
        if (integerDigits > MAX_INTEGER_DIGITS) {
            return sign + TOO_LARGE;
        }
        int tier = integerDigits <= 3 ? 0 : (int) Math.min((integerDigits - 1) / 3, LARGEST_TIER);
        BigDecimal scaled = scaledTo(magnitude, tier);
        if (scaled.compareTo(THOUSAND) >= 0 && tier < LARGEST_TIER) {
            // 999.96 and 999_999 round up to a thousand of this tier: one of the next reads better.
            tier++;
            scaled = scaledTo(magnitude, tier);
        }
        if (tier == 0) {
            return sign + scaled.stripTrailingZeros().toPlainString();
        }
        return sign + scaled.toPlainString() + SUFFIXES[tier];
    }

    private static BigDecimal scaledTo(BigDecimal magnitude, int tier) {
        return magnitude.movePointLeft(3 * tier).setScale(1, RoundingMode.HALF_UP);
    }
}
