package io.shm.admin.boundary;

import io.shm.aggregation.entity.Distribution;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.ValueCount;
import io.shm.instance.control.InstanceDirectory;
import io.shm.platform.JsonSupport;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The admin API's JSON shapes: snake_case names as the original server used them, ISO-8601 UTC times, nulls kept. */
final class AdminJson {

    private AdminJson() {
    }

    static JsonObjectBuilder put(JsonObjectBuilder object, String name, String value) {
        return value == null ? object.addNull(name) : object.add(name, value);
    }

    static JsonObjectBuilder put(JsonObjectBuilder object, String name, Instant value) {
        return value == null ? object.addNull(name) : object.add(name, value.toString());
    }

    static JsonObjectBuilder put(JsonObjectBuilder object, String name, BigDecimal value) {
        return value == null ? object.addNull(name) : object.add(name, value);
    }

    static JsonObject metrics(String json) {
        try (var reader = JsonSupport.reader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static JsonObjectBuilder instance(InstanceDirectory.Summary summary) {
        return withoutMetrics(summary).add("metrics", metrics(summary.metricsJson()));
    }

    /**
     * The same object as {@link #instance}, as UTF-8 JSON written to {@code out}, with the metrics
     * copied in as PostgreSQL wrote them instead of parsed and written again: that round trip is most
     * of an export's work.
     */
    static void writeInstance(InstanceDirectory.Summary summary, OutputStream out) throws IOException {
        StringBuilder text = new StringBuilder(400).append('{');
        field(text, "instance_id", summary.instanceId().toString());
        field(text.append(','), "app_name", summary.appName());
        field(text.append(','), "app_slug", summary.appSlug());
        field(text.append(','), "app_version", summary.appVersion());
        field(text.append(','), "deployment_mode", summary.deploymentMode());
        field(text.append(','), "environment", summary.environment());
        field(text.append(','), "os_arch", summary.osArch());
        field(text.append(','), "status", summary.status());
        text.append(",\"active\":").append(summary.active());
        field(text.append(','), "first_seen_at", text(summary.firstSeen()));
        field(text.append(','), "last_seen_at", text(summary.lastSeen()));
        field(text.append(','), "last_snapshot_at", text(summary.lastSnapshotAt()));
        out.write(text.append(",\"metrics\":").toString().getBytes(StandardCharsets.UTF_8));
        out.write(summary.metricsUtf8());
        out.write('}');
    }

    /**
     * A name and a string value or null. A value with nothing to escape (a quote, a backslash or a
     * control character) is quoted as it is; any other is escaped by JSON-P.
     */
    private static void field(StringBuilder text, String name, String value) {
        text.append('"').append(name).append("\":");
        if (value == null) {
            text.append("null");
        } else if (plain(value)) {
            text.append('"').append(value).append('"');
        } else {
            text.append(JsonSupport.value(value).toString());
        }
    }

    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static JsonObjectBuilder withoutMetrics(InstanceDirectory.Summary summary) {
        JsonObjectBuilder object = JsonSupport.object().add("instance_id", summary.instanceId().toString());
        put(object, "app_name", summary.appName());
        put(object, "app_slug", summary.appSlug());
        put(object, "app_version", summary.appVersion());
        put(object, "deployment_mode", summary.deploymentMode());
        put(object, "environment", summary.environment());
        put(object, "os_arch", summary.osArch());
        object.add("status", summary.status());
        object.add("active", summary.active());
        put(object, "first_seen_at", summary.firstSeen());
        put(object, "last_seen_at", summary.lastSeen());
        put(object, "last_snapshot_at", summary.lastSnapshotAt());
        return object;
    }

    static JsonObjectBuilder numbers(List<NumericStats> stats) {
        JsonObjectBuilder object = JsonSupport.object();
        for (NumericStats key : stats) {
            JsonObjectBuilder values = JsonSupport.object().add("instances", key.instances());
            put(values, "sum", key.sum());
            put(values, "min", key.min());
            put(values, "max", key.max());
            put(values, "mean", key.mean());
            put(values, "p50", key.p50());
            put(values, "p90", key.p90());
            put(values, "p99", key.p99());
            object.add(key.key(), values);
        }
        return object;
    }

    static JsonObjectBuilder distributions(List<Distribution> distributions) {
        JsonObjectBuilder object = JsonSupport.object();
        for (Distribution distribution : distributions) {
            object.add(distribution.key(), JsonSupport.object()
                    .add("values", valueCounts(distribution.values()))
                    .add("other_instances", distribution.otherInstances()));
        }
        return object;
    }

    static JsonArrayBuilder valueCounts(List<ValueCount> counts) {
        JsonArrayBuilder array = JsonSupport.array();
        for (ValueCount count : counts) {
            JsonObjectBuilder entry = JsonSupport.object();
            put(entry, "value", count.value());
            array.add(entry.add("instances", count.instances()));
        }
        return array;
    }

    static JsonValue nullable(BigDecimal value) {
        return value == null ? JsonValue.NULL : JsonSupport.value(value);
    }
}
