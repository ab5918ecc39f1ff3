package io.shm.ingest.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestLimitsTest {

    private final IngestLimits limits = defaults();

    private static IngestLimits defaults() {
        IngestLimits limits = new IngestLimits();
        limits.maxBodyBytes = 65536;
        limits.maxMetricKeys = 500;
        limits.maxKeyLength = 128;
        limits.maxStringLength = 1024;
        limits.maxDepth = 8;
        return limits;
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private Refusal refusalOf(String metrics) {
        return assertThrows(RefusedException.class, () -> limits.checkMetrics(json(metrics))).refusal();
    }

    @ParameterizedTest
    @ValueSource(strings = {"users", "app_mem_rss_mb", "p95.latency", "http:get/api-v2", "\u65e5\u672c\u8a9e",
            "\u0915\u093f\u0924\u093e\u092c", "\u0661\u0662", "Active Users", "cpu%", "mem (MB)", "#", "$version",
            "\uD83D\uDE80 launches", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "a\\\"b", "semi;colon",
            "caf\u00e9", "\u00a0non-breaking", " ", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 families",
            "\u05e9\u05dc\u05d5\u05dd", "x\u00ad", "\uFEFFbom", "\uD834\uDD1E"})
    void metricKeysOfAnyPrintableTextAreAllowed(String key) {
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"" + key + "\":1}")));
    }

    /** Every code point but the refused ones, from U+0000 to U+10FFFF, alone as a key. */
    @Test
    void theWholeAlphabetIsAllowedButControlsSeparatorsSurrogatesAndBidiOverrides() {
        int refused = 0;
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String key = new String(Character.toChars(codePoint));
            int type = Character.getType(codePoint);
            boolean expectRefused = type == Character.CONTROL || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                    || codePoint >= 0x202A && codePoint <= 0x202E || codePoint >= 0x2066 && codePoint <= 0x2069;
            assertEquals(!expectRefused, IngestLimits.isAllowedKey(key), () -> String.format("U+%04X", key.codePointAt(0)));
            assertEquals(!expectRefused, IngestLimits.isAllowedKey("a" + key + "b"), () -> String.format("a U+%04X b", key.codePointAt(0)));
            refused += expectRefused ? 1 : 0;
        }
        // 65 controls (C0, DEL, C1), 2 separators, 2,048 surrogates, 9 bidirectional controls.
        assertEquals(65 + 2 + 2048 + 9, refused);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tab\\tkey", "new\\nline", "nul\\u0000", "bell\\u0007", "del\\u007f", "c1\\u0085",
            "line\\u2028sep", "para\\u2029sep", "lone\\ud800", "lone\\udc00low", "rlo\\u202egnp.exe", "isolate\\u2067x"})
    void emptyKeysAndKeysWithControlCharactersAreRefused(String key) {
        assertEquals(Refusal.KEY_NOT_ALLOWED, refusalOf("{\"" + key + "\":1}"));
    }

    @Test
    void keyLengthIsCountedInCodePoints() {
        String rocket = "\uD83D\uDE80";
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"" + rocket.repeat(128) + "\":1}")));
        assertEquals(Refusal.KEY_TOO_LONG, refusalOf("{\"" + rocket.repeat(129) + "\":1}"));
        assertEquals(Refusal.KEY_TOO_LONG, refusalOf("{\"" + "k".repeat(129) + "\":1}"));
    }

    @Test
    void valuesMayBeNumbersStringsBooleansNullObjectsAndArrays() {
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"n\":1.5,\"s\":\"12\",\"t\":true,\"f\":false,\"z\":null,"
                + "\"o\":{\"GET /api\":{\"p95\":12}},\"a\":[1,\"two\",null,{\"x\":[]}]}")));
    }

    @Test
    void nestedKeysMayUseAnyCharacterButKeepTheLengthLimit() {
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"routes\":{\"GET /api\":3}}")));
        assertEquals(Refusal.KEY_TOO_LONG, refusalOf("{\"routes\":{\"" + "r".repeat(129) + "\":3}}"));
    }

    @Test
    void depthCountsTheMetricsObjectAsLevelOneAndArraysAsLevels() {
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"a\":[[[[[[[1]]]]]]]}")));
        assertEquals(Refusal.TOO_DEEP, refusalOf("{\"a\":[[[[[[[[1]]]]]]]]}"));
    }

    @Test
    void stringLengthIsCountedInCharactersAtAnyDepth() {
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"a\":[\"" + "x".repeat(1024) + "\"]}")));
        assertEquals(Refusal.STRING_TOO_LONG, refusalOf("{\"a\":[\"" + "x".repeat(1025) + "\"]}"));
    }

    @Test
    void parsingSaysWhetherTheBodyIsNotJsonOrNotAnObject() {
        assertEquals(Refusal.NOT_JSON, assertThrows(RefusedException.class,
                () -> limits.parseObject("{\"a\":".getBytes(StandardCharsets.UTF_8))).refusal());
        assertEquals(Refusal.NOT_JSON, assertThrows(RefusedException.class,
                () -> limits.parseObject(new byte[0])).refusal());
        assertEquals(Refusal.NOT_AN_OBJECT, assertThrows(RefusedException.class,
                () -> limits.parseObject("\"text\"".getBytes(StandardCharsets.UTF_8))).refusal());
        assertEquals(Refusal.NOT_JSON, assertThrows(RefusedException.class,
                () -> limits.parseObject("[".repeat(5000).getBytes(StandardCharsets.UTF_8))).refusal());
    }

    @Test
    void requiredAndOptionalStringsAreCheckedForTypeLengthAndNul() {
        JsonObject body = json("{\"a\":\"x\",\"n\":5,\"blank\":\"  \",\"nul\":\"a\\u0000\",\"null\":null}");

        assertEquals("x", IngestLimits.requiredString(body, "a", 1));
        assertEquals(null, IngestLimits.optionalString(body, "null", 10));
        assertEquals(Refusal.MALFORMED_FIELD, assertThrows(RefusedException.class, () -> IngestLimits.requiredString(body, "a", 0)).refusal());
        assertEquals(Refusal.MALFORMED_FIELD, assertThrows(RefusedException.class, () -> IngestLimits.requiredString(body, "n", 10)).refusal());
        assertEquals(Refusal.MISSING_FIELD, assertThrows(RefusedException.class, () -> IngestLimits.requiredString(body, "blank", 10)).refusal());
        assertEquals(Refusal.MISSING_FIELD, assertThrows(RefusedException.class, () -> IngestLimits.requiredString(body, "absent", 10)).refusal());
        assertEquals(Refusal.NUL_CHARACTER, assertThrows(RefusedException.class, () -> IngestLimits.optionalString(body, "nul", 10)).refusal());
    }
}
