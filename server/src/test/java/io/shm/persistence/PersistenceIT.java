package io.shm.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shm.persistence.control.PartitionMaintenance;
import io.shm.persistence.entity.Metrics;
import io.shm.testing.Deployments;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside the deployed WAR: metrics go through the JPA converter into a real PostgreSQL jsonb column
 * and come back unchanged; the partition job recreates a missing partition.
 */
@ExtendWith(ArquillianExtension.class)
class PersistenceIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.shmWar().addClass(JpaProbe.class);
    }

    @Inject
    JpaProbe probe;

    @Inject
    PartitionMaintenance partitions;

    private static final String HOSTILE = "{"
            + "\"above_2_pow_53\":9007199254740993,"
            + "\"long_max\":9223372036854775807,"
            + "\"beyond_long\":123456789012345678901234567890,"
            + "\"negative\":-42,"
            + "\"zero\":0,"
            + "\"decimal\":0.1,"
            + "\"trailing_zero\":1.50,"
            + "\"many_digits\":3.14159265358979323846264338327950288,"
            + "\"text\":\"h\u00e9llo \uD83C\uDF0D <b>bold</b> \\\"quoted\\\" \\\\ back\","
            + "\"\u65e5\u672c\u8a9e\u30ad\u30fc\":\"\u5024\","
            + "\"caf\u00e9_count\":7,"
            + "\"yes\":true,"
            + "\"no\":false,"
            + "\"nothing\":null,"
            + "\"nested\":{\"list\":[1,\"two\",{\"three\":3.0}],\"deep\":{\"x\":{\"y\":{}}}},"
            + "\"empty_list\":[]"
            + "}";

    @Test
    void everyKindOfJsonValueSurvivesTheRoundTrip() {
        Metrics sent = Metrics.parse(HOSTILE);

        Metrics stored = probe.readSnapshotMetrics(probe.storeSnapshot(sent));

        assertEquals(sent, stored);
        JsonObject values = stored.values();
        assertEquals(9007199254740993L, values.getJsonNumber("above_2_pow_53").longValueExact());
        assertEquals(Long.MAX_VALUE, values.getJsonNumber("long_max").longValueExact());
        assertEquals("123456789012345678901234567890", values.getJsonNumber("beyond_long").bigIntegerValueExact().toString());
        assertEquals("1.50", values.getJsonNumber("trailing_zero").toString());
        assertEquals("3.14159265358979323846264338327950288", values.getJsonNumber("many_digits").toString());
        assertEquals("\u5024", values.getString("\u65e5\u672c\u8a9e\u30ad\u30fc"));
        assertEquals("h\u00e9llo \uD83C\uDF0D <b>bold</b> \"quoted\" \\ back", values.getString("text"));
        assertEquals(JsonValue.NULL, values.get("nothing"));
        assertEquals(JsonValue.TRUE, values.get("yes"));
        assertEquals(3, values.getJsonObject("nested").getJsonArray("list").size());
        assertEquals(JsonValue.ValueType.OBJECT,
                values.getJsonObject("nested").getJsonObject("deep").getJsonObject("x").get("y").getValueType());
    }

    @Test
    void theScheduledJobCreatesAMissingPartitionAhead() throws Exception {
        String furthest = "snapshot_" + java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(14)
                .format(java.time.format.DateTimeFormatter.ofPattern("'d'yyyyMMdd"));
        assertEquals(0, partitions.ensurePartitions(), "deployment already made them");

        probe.execute("DROP TABLE " + furthest);

        assertEquals(1, partitions.ensurePartitions());
        assertEquals(0, partitions.ensurePartitions());
    }

    @Test
    void anInstanceStartsWithEmptyMetrics() {
        long instance = probe.storeSnapshot(Metrics.parse("{\"a\":1}"));

        assertEquals(Metrics.EMPTY, probe.readInstanceMetrics(instance));
    }
}
