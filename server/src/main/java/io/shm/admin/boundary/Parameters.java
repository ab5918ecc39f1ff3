package io.shm.admin.boundary;

import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.Period;
import io.shm.platform.JsonSupport;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.Uuids;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Query and path parameters of the admin API, checked before anything reaches the database. */
final class Parameters {

    /** Enough for two years of hours; a longer range asks for a wider bucket. */
    static final int KEY_MAX = 128;
    static final int BODY_MAX = 16 * 1024;
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private Parameters() {
    }

    static Instant instant(String name, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Instant instant;
        try {
            instant = Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw invalid(name + " must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw invalid(name + " must lie between " + EARLIEST + " and " + LATEST);
        }
        return instant;
    }

    static Bucket bucket(String value, Bucket fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return Bucket.parse(value.strip()).orElseThrow(() -> invalid("bucket must be hour, day or week"));
    }

    /** A from/to range of buckets: from before to, and not more buckets than a chart can use. */
    static void range(Instant from, Instant to, Bucket bucket) {
        if (!from.isBefore(to)) {
            throw invalid("from must be before to");
        }
        if (!Period.fits(Duration.between(from, to), bucket)) {
            throw invalid("the range holds more than " + Period.MAX_BUCKETS + " buckets of a " + bucket.label()
                    + "; choose a wider bucket or a shorter range");
        }
    }

    static String key(String value) {
        if (value == null || value.isBlank()) {
            throw invalid("key is required");
        }
        if (value.length() > KEY_MAX) {
            throw invalid("key is longer than " + KEY_MAX + " characters");
        }
        return value;
    }

    static int bounded(String name, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw invalid(name + " must be between " + min + " and " + max);
        }
        return value;
    }

    static UUID instanceId(String value) {
        return Uuids.parseCanonical(value)
                .orElseThrow(() -> new RefusedException(Refusal.NOT_FOUND, "no instance " + abbreviate(value)));
    }

    /** A request body that must be a JSON object of at most {@link #BODY_MAX} characters. */
    static JsonObject jsonObject(String text) {
        if (text == null || text.isBlank()) {
            throw new RefusedException(Refusal.NOT_JSON, "the body is empty");
        }
        if (text.length() > BODY_MAX) {
            throw new RefusedException(Refusal.BODY_TOO_LARGE);
        }
        JsonValue value;
        try (JsonReader reader = JsonSupport.reader(new StringReader(text))) {
            value = reader.readValue();
        } catch (RuntimeException e) { // JsonException, and Parsson's limits (nesting) as plain runtime exceptions
            throw new RefusedException(Refusal.NOT_JSON);
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new RefusedException(Refusal.NOT_AN_OBJECT);
        }
        return value.asJsonObject();
    }

    static RefusedException invalid(String detail) {
        return new RefusedException(Refusal.INVALID_PARAMETER, detail);
    }

    static RefusedException notFound(String what) {
        return new RefusedException(Refusal.NOT_FOUND, what);
    }

    static String abbreviate(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }
}
