package io.shm.badge.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompactNumberTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "7, 7",
        "999, 999",
        "1000, 1.0k",
        "1234, 1.2k",
        "1250, 1.3k",
        "999499, 999.5k",
        "999999, 1.0M",
        "1000000, 1.0M",
        "3400000, 3.4M",
        "999999999, 1.0B",
        "1000000000, 1.0B",
        "1000000000000, 1.0T",
        "1234567000000000, 1234.6T",
        "-7, -7",
        "-1500, -1.5k",
        "-999999, -1.0M",
        "9223372036854775807, 9223372.0T",
    })
    void wholeNumbersAreShortenedWithOneDecimalAndASuffix(long value, String expected) {
        assertEquals(expected, CompactNumber.format(value));
    }

    @ParameterizedTest
    @CsvSource({
        "12.345, 12.3",
        "12.35, 12.4",
        "0.5, 0.5",
        "1.0, 1",
        "2.04, 2",
        "1E+2, 100",
        "999.94, 999.9",
        "999.95, 1.0k",
        "0.04, 0",
        "-0.04, 0",
        "-12.345, -12.3",
        "1234.5678, 1.2k",
    })
    void decimalsBelowAThousandKeepAtMostOneDecimalWithoutATrailingZero(BigDecimal value, String expected) {
        assertEquals(expected, CompactNumber.format(value));
    }

    @Test
    void aThousandDigitNumberIsWrittenInTeraWithoutScientificNotation() {
        BigDecimal huge = new BigDecimal("9".repeat(1000) + "." + "9".repeat(1000));

        String formatted = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> CompactNumber.format(huge));

        assertTrue(formatted.startsWith("1" + "0".repeat(988) + ".0"), formatted.substring(0, 20));
        assertTrue(formatted.endsWith("T"));
        assertFalse(formatted.contains("E"));
        assertEquals(1 + 988 + 2 + 1, formatted.length());
    }

    @Test
    void magnitudesNoMetricCanHaveAreShownAsInfinityInsteadOfBillionsOfDigits() {
        String formatted = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> CompactNumber.format(new BigDecimal("-1E+999999999")));

        assertEquals("-" + CompactNumber.TOO_LARGE, formatted);
    }

    @Test
    void vanishinglySmallValuesAreZeroAndCheap() {
        String formatted = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> CompactNumber.format(new BigDecimal("1E-999999999")));

        assertEquals("0", formatted);
    }
}
