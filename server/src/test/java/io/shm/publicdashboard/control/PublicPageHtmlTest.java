package io.shm.publicdashboard.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.TimeToHalf;
import io.shm.aggregation.entity.ValueCount;
import io.shm.aggregation.entity.VersionShares;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PublicPageHtmlTest {

    static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&";
    static final LocalDate DAY = LocalDate.of(2026, 3, 1);

    private static PublicFleet fleet(List<InstallBaseDay> days, List<PublicFleet.KeyFigure> keys) {
        VersionShares shares = new VersionShares(List.of(HOSTILE, ""), true, List.of(new VersionShares.Day(DAY, 4,
                List.of(2L, 1L, 1L), List.of(new BigDecimal("50.0"), new BigDecimal("25.0"), new BigDecimal("25.0")))));
        return new PublicFleet("app", HOSTILE, "https://example.com/logo.png?a=1&b=\"2\"", 4, null, days, shares,
                new TimeToHalf(2, new BigDecimal("3.5"), 0), List.of(new ValueCount(HOSTILE, 3), new ValueCount(null, 1)), keys);
    }

    private static String page(PublicFleet fleet, Locale locale) {
        return new PublicPageHtml(locale, "/ctx").page(fleet);
    }

    @Test
    void everythingFromClientsAndMaintainersIsEscapedInTextAndAttributes() {
        String html = page(fleet(List.of(new InstallBaseDay(DAY, 4, 4, 0)), List.of(
                new PublicFleet.KeyFigure(HOSTILE, null, 0, List.of(), List.of(new ValueCount(HOSTILE, 4))))), Locale.ENGLISH);

        assertFalse(html.contains("<img src=x"), html);
        assertFalse(html.contains("\"2\""), "the logo URL's quotes stay inside its attribute");
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&apos;&amp;"), html);
        assertTrue(html.contains("data-key=\"&lt;img src=x onerror=alert(1)&gt;&quot;&apos;&amp;\""), html);
        assertTrue(html.contains("href=\"/ctx/resources/shm/public.css\""));
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("style="), "no inline style, which the policy would block");
    }

    @Test
    void oneDayIsADotWithItsValueAndSeveralDaysALineThroughEach() {
        String one = page(fleet(List.of(new InstallBaseDay(DAY, 4, 4, 0)), List.of()), Locale.ENGLISH);
        assertTrue(one.contains("<circle class=\"shm-line-dot\""), one);
        assertFalse(one.contains("<polyline"), one);

        String three = page(fleet(List.of(new InstallBaseDay(DAY, 2, 2, 0), new InstallBaseDay(DAY.plusDays(1), 3, 1, 0),
                new InstallBaseDay(DAY.plusDays(2), 4, 1, 0)), List.of()), Locale.ENGLISH);
        Matcher points = Pattern.compile("<polyline class=\"shm-line\" fill=\"none\" points=\"([^\"]+)\"").matcher(three);
        assertTrue(points.find(), three);
        assertEquals(3, points.group(1).split(" ").length);
    }

    @Test
    void versionSharesAndCountsAreShownWithTheirPluralsInEitherLanguage() {
        PublicFleet fleet = fleet(List.of(new InstallBaseDay(DAY, 1, 1, 0)), List.of());
        String english = page(fleet, Locale.ENGLISH);
        assertTrue(english.contains("4 active instances"), english);
        assertTrue(english.contains("1 active instance<") || english.contains(": 1 active instance"), english);
        assertTrue(english.contains(">unknown<") && english.contains(">other versions<") && english.contains("50%"), english);
        assertTrue(english.contains("half of the fleet: 3.5 days"), english);
        assertFalse(english.contains("id=\"keys-heading\""), "no key chosen, no section of keys");

        String french = page(fleet, Locale.FRENCH);
        assertTrue(french.contains("4 instances actives") && french.contains("lang=\"fr\""), french);
        assertTrue(french.contains(">inconnue<") && french.contains("3,5 jours"), french);
    }
}
