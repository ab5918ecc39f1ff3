package io.shm.badge.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BadgeColorTest {

    @ParameterizedTest
    @CsvSource({
        "ff0000, #ff0000",
        "FF00AA, #ff00aa",
        "f0a, #f0a",
        "ABC, #abc",
        "0d1E2f, #0d1e2f",
    })
    void threeOrSixHexDigitsBecomeALowerCaseHexColour(String requested, String expected) {
        assertEquals(Optional.of(expected), BadgeColor.parse(requested));
    }

    @ParameterizedTest
    @CsvSource({
        "brightgreen, #4c1",
        "green, #97ca00",
        "yellowgreen, #a4a61d",
        "yellow, #dfb317",
        "orange, #fe7d37",
        "red, #e05d44",
        "blue, #007ec6",
        "lightgrey, #9f9f9f",
        "grey, #555",
        "gray, #555",
        "success, #4c1",
        "important, #fe7d37",
        "critical, #e05d44",
        "informational, #007ec6",
        "inactive, #9f9f9f",
        "Red, #e05d44",
        "BRIGHTGREEN, #4c1",
    })
    void shieldsIoColourNamesMapToTheirHexValues(String requested, String expected) {
        assertEquals(Optional.of(expected), BadgeColor.parse(requested));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "ff0000\"><script>",
        "javascript:",
        "javascript:alert(1)",
        "#ff0000",
        "ff00000",
        "ff00",
        "f",
        "ggg",
        " red",
        "red ",
        "url(#s)",
        "purple",
        "１２３",
        "ff0000;",
        "rgb(1,2,3)",
    })
    void anythingElseIsNoColour(String requested) {
        assertEquals(Optional.empty(), BadgeColor.parse(requested));
    }

    @Test
    void aVeryLongValueIsRefusedWithoutWork() {
        assertTrue(BadgeColor.parse("a".repeat(1_000_000)).isEmpty());
    }

    @Test
    void instanceCountsAreGreenFromTenYellowFromFiveRedBelow() {
        assertEquals("#00D084", BadgeColor.forInstances(10));
        assertEquals("#00D084", BadgeColor.forInstances(12_000));
        assertEquals("#F59E0B", BadgeColor.forInstances(9));
        assertEquals("#F59E0B", BadgeColor.forInstances(5));
        assertEquals("#EF4444", BadgeColor.forInstances(4));
        assertEquals("#EF4444", BadgeColor.forInstances(0));
    }

    @Test
    void metricValuesAreGreenFromAThousandYellowFromAHundredRedBelow() {
        assertEquals(BadgeColor.GOOD, BadgeColor.forMetric(new BigDecimal("1000")));
        assertEquals(BadgeColor.GOOD, BadgeColor.forMetric(new BigDecimal("1E+999")));
        assertEquals(BadgeColor.FAIR, BadgeColor.forMetric(new BigDecimal("999.99")));
        assertEquals(BadgeColor.FAIR, BadgeColor.forMetric(new BigDecimal("100")));
        assertEquals(BadgeColor.POOR, BadgeColor.forMetric(new BigDecimal("99.9")));
        assertEquals(BadgeColor.POOR, BadgeColor.forMetric(new BigDecimal("-5000")));
    }

    @Test
    void theFixedColoursAreTheOriginalServers() {
        assertEquals("#8B5CF6", BadgeColor.VERSION);
        assertEquals("#6366F1", BadgeColor.COMBINED);
        assertEquals("#EF4444", BadgeColor.ERROR);
        assertEquals("#555", BadgeColor.LABEL);
    }
}
