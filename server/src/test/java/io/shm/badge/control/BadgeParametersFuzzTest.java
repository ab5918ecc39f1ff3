package io.shm.badge.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * Whatever a badge URL carries as label, colour, metric key or (through the stored sums) value, the
 * badge renders, and it is well-formed SVG whose only text is what it was asked to show: no markup of
 * a client gets in, nothing throws. Seeds and regressions live in {@code BadgeParametersFuzzTestInputs};
 * {@code mvn verify} fuzzes for a bounded time (the {@code fuzz-badges} execution).
 */
class BadgeParametersFuzzTest {

    private static final ThreadLocal<DocumentBuilder> XML = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    });

    @FuzzTest(maxDuration = "15s")
    void anyParametersGiveAWellFormedBadge(FuzzedDataProvider data) throws Exception {
        String label = data.consumeString(200);
        String color = data.consumeString(16);
        String number = data.consumeString(40);
        String key = data.consumeRemainingAsString();

        String message;
        String fallback;
        BigDecimal value = sum(number);
        if (value != null) {
            message = CompactNumber.format(value);
            fallback = BadgeColor.forMetric(value);
        } else {
            message = key;
            fallback = BadgeColor.VERSION;
        }
        new BadgeCache.Key(label, BadgeKind.METRIC, key).hashCode();
        String svg = BadgeSvg.render(label, message, BadgeColor.parse(color).orElse(fallback));

        Document document = XML.get().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", document.getDocumentElement().getTagName());
        assertEquals(1, document.getElementsByTagName("title").getLength(), svg);
        int texts = document.getElementsByTagName("text").getLength();
        assertTrue(texts <= 4 && texts % 2 == 0, "a shadow and a text for each part that is not empty: " + svg);
    }

    /** A sum as the database could hold one: a number within the ingest limit of 1,000 digits each side. */
    private static BigDecimal sum(String text) {
        try {
            BigDecimal value = new BigDecimal(text);
            long integerDigits = (long) value.precision() - value.scale();
            return integerDigits > 1000 || value.scale() > 1000 ? null : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
