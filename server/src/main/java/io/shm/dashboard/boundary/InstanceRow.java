package io.shm.dashboard.boundary;

import io.shm.instance.control.InstanceDirectory;
import io.shm.platform.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** One row of the instances table: the instance and its current metric values, ready to show. */
public record InstanceRow(String instanceId, String application, String version, String environment,
                          String deploymentMode, String osArch, String status, boolean active, Instant firstSeen,
                          Instant lastSeen, Map<String, String> values) implements Serializable {

    static InstanceRow of(InstanceDirectory.Summary summary) {
        Map<String, String> values = values(summary.metricsJson());
        return new InstanceRow(summary.instanceId().toString(), summary.appName(), summary.appVersion(),
                summary.environment(), summary.deploymentMode(), summary.osArch(), summary.status(), summary.active(),
                summary.firstSeen(), summary.lastSeen(), values);
    }

    /** Each key of a metrics object, with its value as text (JSON for nested values). */
    static Map<String, String> values(String metricsJson) {
        Map<String, String> values = new HashMap<>();
        JsonObject metrics;
        try (var reader = JsonSupport.reader(new StringReader(metricsJson))) {
            metrics = reader.readObject();
        }
        metrics.forEach((key, value) -> values.put(key, text(value)));
        return values;
    }

    static String text(JsonValue value) {
        return switch (value.getValueType()) {
            case STRING -> ((JsonString) value).getString();
            case NULL -> "";
            default -> value.toString();
        };
    }

    /** For EL: {@code row.value('users')}. */
    public String value(String key) {
        return values.getOrDefault(key, "");
    }

    public String displayStatus() {
        return "active".equals(status) && !active ? "inactive" : status;
    }
}
