package io.shm.badge.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

class BadgeSvgTest {

    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    private static final Set<String> ELEMENTS_A_BADGE_HAS =
            Set.of("svg", "title", "linearGradient", "stop", "clipPath", "rect", "g", "text");

    static Stream<String> hostileTexts() {
        return Stream.of(
                "\"><script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "</svg><svg onload=alert(1)>",
                "' onmouseover='alert(1)",
                "<foreignObject><body><script>x</script></body></foreignObject>",
                "&amp; &lt; &#x3c; &unknown; ]]> <![CDATA[ x ]]>",
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;",
                "<?xml-stylesheet href=\"x\"?><!-- comment -->");
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void hostileLabelAppearsAsTextAndNoElementIsInjected(String hostile) throws Exception {
        Document svg = parse(BadgeSvg.render(hostile, "42", BadgeColor.GOOD));

        assertOnlyBadgeElementsAndNoEventHandlers(svg);
        assertEquals(List.of(hostile, hostile, "42", "42"), texts(svg));
        assertEquals(hostile + ": 42", svg.getElementsByTagNameNS(SVG_NAMESPACE, "title").item(0).getTextContent());
        assertEquals(hostile + ": 42", svg.getDocumentElement().getAttribute("aria-label"));
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void hostileVersionAppearsAsTextAndNoElementIsInjected(String hostile) throws Exception {
        String source = BadgeSvg.render("version", hostile, BadgeColor.VERSION);
        Document svg = parse(source);

        assertOnlyBadgeElementsAndNoEventHandlers(svg);
        assertEquals(List.of("version", "version", hostile, hostile), texts(svg));
        assertFalse(source.contains("<script"));
        assertFalse(source.contains("<img"));
        assertEquals(1, source.split("<svg", -1).length - 1, "one svg start tag");
    }

    @Test
    void controlCharactersAndWhatXmlCannotCarryAreRemoved() throws Exception {
        String label = "a\u0000b\u0001c\u001Bd\u007Fe\u0085f\uFFFEg\uFFFFh\uD800i\uDC00j";
        Document svg = parse(BadgeSvg.render(label, "ok", BadgeColor.GOOD));

        assertEquals("abcdefghij", texts(svg).get(0));
    }

    @Test
    void tabsAndLineBreaksBecomeSpacesOnAOneLineBadge() throws Exception {
        Document svg = parse(BadgeSvg.render("a\tb\nc\r\nd", "ok", BadgeColor.GOOD));

        assertEquals("a b c  d", texts(svg).get(0));
    }

    @Test
    void charactersOutsideTheBasicPlaneAndNonLatinScriptsSurvive() throws Exception {
        String label = "下载 🚀 Größe ÆØÅ";
        Document svg = parse(BadgeSvg.render(label, "１２３", BadgeColor.GOOD));

        assertEquals(List.of(label, label, "１２３", "１２３"), texts(svg));
    }

    @Test
    void longLabelsAndMessagesAreClampedWithAnEllipsis() throws Exception {
        Document svg = parse(BadgeSvg.render("x".repeat(10_000), "<".repeat(1_000_000), BadgeColor.GOOD));

        List<String> texts = texts(svg);
        assertEquals("x".repeat(63) + "…", texts.get(0));
        assertEquals("<".repeat(63) + "…", texts.get(2));
    }

    @Test
    void clampingCountsCodePointsAndNeverSplitsASurrogatePair() throws Exception {
        String rockets = "🚀".repeat(100);
        Document svg = parse(BadgeSvg.render(rockets, "ok", BadgeColor.GOOD));

        assertEquals("🚀".repeat(63) + "…", texts(svg).get(0));
    }

    @Test
    void textOfExactlyTheLimitIsKeptWhole() throws Exception {
        String label = "y".repeat(BadgeSvg.MAX_TEXT_LENGTH);

        assertEquals(label, texts(parse(BadgeSvg.render(label, "ok", BadgeColor.GOOD))).get(0));
    }

    @Test
    void theSvgStaysSmallWhateverItIsGiven() {
        String svg = BadgeSvg.render("&".repeat(100_000), "\"".repeat(100_000), BadgeColor.GOOD);

        assertTrue(svg.length() < 4_000, () -> "length " + svg.length());
    }

    @Test
    void widthsGrowWithTheText() throws Exception {
        int previous = 0;
        for (String message : List.of("", "1", "12", "1.2k", "1234.5T", "a much longer message")) {
            int width = Integer.parseInt(parse(BadgeSvg.render("users", message, BadgeColor.GOOD))
                    .getDocumentElement().getAttribute("width"));
            assertTrue(width > previous, message + " is " + width + " wide, not more than " + previous);
            previous = width;
        }
    }

    @Test
    void wideCharactersMakeAWiderBadgeThanNarrowOnes() {
        assertTrue(BadgeSvg.textWidth("mmmm") > BadgeSvg.textWidth("1234"));
        assertTrue(BadgeSvg.textWidth("1234") > BadgeSvg.textWidth("iiii"));
        assertTrue(BadgeSvg.textWidth("下载") > BadgeSvg.textWidth("ab"));
    }

    @Test
    void thePartsAreALabelInGreyAndAMessageInItsColour() throws Exception {
        Document svg = parse(BadgeSvg.render("instances", "1.2k", "#00d084"));
        Element root = svg.getDocumentElement();
        NodeList rects = svg.getElementsByTagNameNS(SVG_NAMESPACE, "rect");
        // The clip path's rectangle, then the label's, the message's and the gradient over both.
        Element label = (Element) rects.item(1);
        Element message = (Element) rects.item(2);

        assertEquals("img", root.getAttribute("role"));
        assertEquals("20", root.getAttribute("height"));
        assertEquals("instances: 1.2k", root.getAttribute("aria-label"));
        assertEquals("#555", label.getAttribute("fill"));
        assertEquals("#00d084", message.getAttribute("fill"));
        assertEquals(label.getAttribute("width"), message.getAttribute("x"));
        assertEquals(Integer.parseInt(root.getAttribute("width")),
                Integer.parseInt(label.getAttribute("width")) + Integer.parseInt(message.getAttribute("width")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff0000", "red", "#ff0000\"/><script>", "url(#s)", "#ff00", ""})
    void aColourThatDidNotComeFromBadgeColorIsRefused(String color) {
        assertThrows(IllegalArgumentException.class, () -> BadgeSvg.render("label", "message", color));
    }

    @Test
    void everyColourBadgeColorGivesIsAccepted() {
        for (String color : List.of(BadgeColor.GOOD, BadgeColor.FAIR, BadgeColor.POOR, BadgeColor.VERSION,
                BadgeColor.COMBINED, BadgeColor.ERROR, BadgeColor.parse("ABC").orElseThrow(),
                BadgeColor.parse("informational").orElseThrow())) {
            assertTrue(BadgeSvg.render("label", "message", color).contains("fill=\"" + color + "\""));
        }
    }

    private static void assertOnlyBadgeElementsAndNoEventHandlers(Document svg) {
        NodeList all = svg.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            assertEquals(SVG_NAMESPACE, element.getNamespaceURI());
            assertTrue(ELEMENTS_A_BADGE_HAS.contains(element.getLocalName()), element.getLocalName());
            NamedNodeMap attributes = element.getAttributes();
            for (int a = 0; a < attributes.getLength(); a++) {
                String name = ((Attr) attributes.item(a)).getName();
                assertFalse(name.toLowerCase().startsWith("on"), name);
                assertFalse(name.contains("href"), name);
            }
        }
        for (String forbidden : List.of("script", "img", "foreignObject")) {
            assertEquals(0, svg.getElementsByTagNameNS("*", forbidden).getLength(), forbidden);
            assertEquals(0, svg.getElementsByTagName(forbidden).getLength(), forbidden);
        }
    }

    private static List<String> texts(Document svg) {
        NodeList texts = svg.getElementsByTagNameNS(SVG_NAMESPACE, "text");
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            Element text = (Element) texts.item(i);
            assertEquals(1, text.getChildNodes().getLength(), "one text node, no child elements");
            contents.add(text.getTextContent());
        }
        return contents;
    }

    /** Parses as a browser would need to, but refuses DTDs and external entities outright. */
    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
