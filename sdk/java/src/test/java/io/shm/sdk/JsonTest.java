package io.shm.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesTheValueTypesOfMetrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("int", 42);
        metrics.put("long", 9_007_199_254_740_993L);
        metrics.put("double", 0.5);
        metrics.put("float", 1.25f);
        metrics.put("big", new BigDecimal("12345678901234567890.125"));
        metrics.put("huge", new BigInteger("123456789012345678901234567890"));
        metrics.put("yes", true);
        metrics.put("nothing", null);
        metrics.put("list", List.of(1, "two", false));
        metrics.put("array", new int[] {3, 4});
        metrics.put("nested", Map.of("k", "v"));
        assertEquals("{\"int\":42,\"long\":9007199254740993,\"double\":0.5,\"float\":1.25,"
                + "\"big\":12345678901234567890.125,\"huge\":123456789012345678901234567890,\"yes\":true,"
                + "\"nothing\":null,\"list\":[1,\"two\",false],\"array\":[3,4],\"nested\":{\"k\":\"v\"}}", Json.write(metrics));
    }

    @Test
    void numbersJsonCannotExpressBecomeNull() {
        assertEquals("[null,null,null]", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersAndKeepsUnicode() {
        String text = "a\"b\\c\n\r\t\b\f\u0001\u001f é 😀 \u2028";
        String written = Json.write(Map.of("Active Users 😀", text));
        assertEquals("{\"Active Users 😀\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f é 😀 \\u2028\"}", written);
        assertEquals(Map.of("Active Users 😀", text), Json.read(written));
    }

    @Test
    void aLoneSurrogateTravelsEscaped() {
        assertEquals("\"x\\ud800y\"", Json.write("x\ud800y"));
        assertEquals("\"\\udc00\"", Json.write("\udc00"));
        assertEquals("x\ud800y", Json.read("\"x\\ud800y\""));
    }

    @Test
    void readsWhatItWritesBack() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("s", "text");
        value.put("n", 7L);
        value.put("d", new BigDecimal("-1.5e3"));
        value.put("b", false);
        value.put("z", null);
        value.put("l", new ArrayList<>(Arrays.asList(1L, null, "x")));
        value.put("o", new LinkedHashMap<>(Map.of("inner", 1L)));
        assertEquals(value, Json.read(Json.write(value)));
    }

    @Test
    void readsNumbersAsLongsOrDecimals() {
        assertEquals(0L, Json.read("0"));
        assertEquals(-12L, Json.read("-12"));
        assertEquals(new BigDecimal("1.0"), Json.read("1.0"));
        assertEquals(new BigDecimal("2E+10"), Json.read("2e10"));
        assertEquals(new BigDecimal("99999999999999999999"), Json.read("99999999999999999999"));
    }

    @Test
    void readsEscapesAndWhitespace() {
        assertEquals(Map.of("a/b", "é\n\"😀"), Json.read(" {\n\t\"a\\/b\" : \"\\u00e9\\n\\\"\\ud83d\\ude00\" } "));
        assertEquals(List.of(), Json.read("[ ]"));
        assertEquals(Map.of(), Json.read("{}"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "01", "1.", "-", "tru", "\"open",
                "\"bad \\x escape\"", "\"\\u12\"", "{} {}", "{'a':1}", "\"tab\there\"", "[1 2]", "nul")) {
            assertThrows(IllegalArgumentException.class, () -> Json.read(bad), bad);
        }
    }

    @Test
    void refusesDocumentsNestedTooDeep() {
        String deep = "[".repeat(100) + "]".repeat(100);
        assertThrows(IllegalArgumentException.class, () -> Json.read(deep));
        assertThrows(IllegalArgumentException.class, () -> Json.readObject("[1]"));
    }
}
