package io.shm.persistence.entity;

import io.shm.platform.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Objects;

/**
 * The counters an instance reported, exactly as it sent them: any JSON object. Numbers keep their
 * precision (JSON-P numbers are decimals), nested values are kept as they are.
 */
public final class Metrics {

    public static final Metrics EMPTY = new Metrics(JsonValue.EMPTY_JSON_OBJECT);

    private final JsonObject values;

    private Metrics(JsonObject values) {
        this.values = values;
    }

    public static Metrics of(JsonObject values) {
        Objects.requireNonNull(values, "values");
        return values.isEmpty() ? EMPTY : new Metrics(values);
    }

    public static Metrics parse(String json) {
        try (var reader = JsonSupport.reader(new java.io.StringReader(json))) {
            return of(reader.readObject());
        }
    }

    public JsonObject values() {
        return values;
    }

    public String toJson() {
        return values.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Metrics that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
