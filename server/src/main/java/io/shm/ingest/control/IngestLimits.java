package io.shm.ingest.control;

import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.shm.platform.JsonSupport;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The limits every ingest body must keep (configurable; defaults from the protocol), and the
 * parsing that enforces them. A body that breaks one is refused as a whole, before anything is
 * stored, with the limit named in the answer.
 */
@ApplicationScoped
public class IngestLimits {

    /** PostgreSQL's numeric type holds far more, but no counter needs more digits than this. */
    static final int MAX_NUMBER_DIGITS = 1000;

    /** Letters of any script (with their combining marks), decimal digits, and {@code _ . - : /}. */
    static final Pattern METRIC_KEY = Pattern.compile("[\\p{L}\\p{M}\\p{Nd}_.:/-]+");

    @Inject
    @ConfigProperty(name = "shm.ingest.max-body-bytes", defaultValue = "65536")
    int maxBodyBytes;

    @Inject
    @ConfigProperty(name = "shm.ingest.max-metric-keys", defaultValue = "500")
    int maxMetricKeys;

    @Inject
    @ConfigProperty(name = "shm.ingest.max-key-length", defaultValue = "128")
    int maxKeyLength;

    @Inject
    @ConfigProperty(name = "shm.ingest.max-string-length", defaultValue = "1024")
    int maxStringLength;

    @Inject
    @ConfigProperty(name = "shm.ingest.max-depth", defaultValue = "8")
    int maxDepth;

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Snapshots with a longer key are refused, so a longer key asked for elsewhere names nothing reported now. */
    public int maxKeyLength() {
        return maxKeyLength;
    }

    /** The body as a JSON object, or a 400 that says what is wrong with it. */
    public JsonObject parseObject(byte[] body) {
        JsonValue value;
        try (JsonReader reader = JsonSupport.reader(new ByteArrayInputStream(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            // JsonException for malformed text, but Parsson throws a plain RuntimeException past its
            // nesting limit: whatever the parser refuses, the client sent something that is not JSON to us.
            throw new RefusedException(Refusal.NOT_JSON);
        }
        if (!(value instanceof JsonObject object)) {
            throw new RefusedException(Refusal.NOT_AN_OBJECT);
        }
        return object;
    }

    /**
     * Checks the metrics of a snapshot: the number and the alphabet of its keys, the length of every
     * string and key at any depth, and the depth itself (the metrics object is level 1).
     */
    public void checkMetrics(JsonObject metrics) {
        if (metrics.size() > maxMetricKeys) {
            throw new RefusedException(Refusal.TOO_MANY_KEYS, "at most " + maxMetricKeys + " keys");
        }
        for (String key : metrics.keySet()) {
            if (!METRIC_KEY.matcher(key).matches()) {
                throw new RefusedException(Refusal.KEY_NOT_ALLOWED);
            }
        }
        checkValue(metrics, 1);
    }

    private void checkValue(JsonValue value, int depth) {
        switch (value.getValueType()) {
            case OBJECT -> {
                checkDepth(depth);
                for (Map.Entry<String, JsonValue> entry : value.asJsonObject().entrySet()) {
                    if (entry.getKey().length() > maxKeyLength) {
                        throw new RefusedException(Refusal.KEY_TOO_LONG, "at most " + maxKeyLength + " characters");
                    }
                    checkNoNul(entry.getKey());
                    checkValue(entry.getValue(), depth + 1);
                }
            }
            case ARRAY -> {
                checkDepth(depth);
                for (JsonValue item : value.asJsonArray()) {
                    checkValue(item, depth + 1);
                }
            }
            case STRING -> {
                String text = ((JsonString) value).getString();
                if (text.length() > maxStringLength) {
                    throw new RefusedException(Refusal.STRING_TOO_LONG, "at most " + maxStringLength + " characters");
                }
                checkNoNul(text);
            }
            case NUMBER -> {
                BigDecimal number = ((JsonNumber) value).bigDecimalValue();
                long integerDigits = (long) number.precision() - number.scale();
                if (integerDigits > MAX_NUMBER_DIGITS || number.scale() > MAX_NUMBER_DIGITS) {
                    throw new RefusedException(Refusal.NUMBER_OUT_OF_RANGE,
                            "at most " + MAX_NUMBER_DIGITS + " digits before and after the decimal point");
                }
            }
            default -> {
                // booleans and null have no limit of their own
            }
        }
    }

    /** PostgreSQL stores no U+0000 in text or jsonb: refused here rather than failing in the database. */
    static void checkNoNul(String text) {
        if (text.indexOf('\u0000') >= 0) {
            throw new RefusedException(Refusal.NUL_CHARACTER);
        }
    }

    private void checkDepth(int depth) {
        if (depth > maxDepth) {
            throw new RefusedException(Refusal.TOO_DEEP, "at most " + maxDepth + " levels");
        }
    }

    /** A required non-empty string field of at most {@code max} characters. */
    public static String requiredString(JsonObject body, String field, int max) {
        String value = optionalString(body, field, max);
        if (value == null || value.isBlank()) {
            throw new RefusedException(Refusal.MISSING_FIELD, field);
        }
        return value;
    }

    /** An optional string field of at most {@code max} characters; null when absent or JSON null. */
    public static String optionalString(JsonObject body, String field, int max) {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, field + " must be a string");
        }
        if (string.getString().length() > max) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, field + " has more than " + max + " characters");
        }
        checkNoNul(string.getString());
        return string.getString();
    }
}
