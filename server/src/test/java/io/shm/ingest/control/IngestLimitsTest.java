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
    @ValueSource(strings = {"users", "app_mem_rss_mb", "p95.latency", "http:get/api-v2", "\u65e5\u672c\u8a9e", "\u0915\u093f\u0924\u093e\u092c", "\u0661\u0662"})
    void metricKeysOfLettersOfAnyScriptDigitsAndPunctuationAreAllowed(String key) {
        assertDoesNotThrow(() -> limits.checkMetrics(json("{\"" + key + "\":1}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"with space", "<script>", "a\\\"b", "semi;colon", "tab\\tkey", "emoji\uD83D\uDE00", ""})
    void otherCharactersInMetricKeysAreRefused(String key) {
        assertEquals(Refusal.KEY_NOT_ALLOWED, refusalOf("{\"" + key + "\":1}"));
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
