package io.shm.admin.boundary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shm.instance.control.InstanceDirectory;
import io.shm.platform.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExportFormatsTest {

    private static final String METRICS = """
            {"users": 12, "ratio": 1.50, "big": 12345678901234567890, "plan": "pro", "on": true, "off": false,
             "gone": null, "formula": "=HYPERLINK(\\"x\\")", "minus": -3, "nested": {"a": [1, "b,c"]},
             "late": {"x": 1}, "later": "not a column"}""";

    @Test
    void csvCellsFollowTheColumnsAndLeaveUnknownKeysOut() {
        List<String> keys = List.of("big", "formula", "gone", "minus", "missing", "nested", "off", "on", "plan", "ratio",
                "users");
        Map<String, Integer> columns = new HashMap<>();
        keys.forEach(key -> columns.put(key, columns.size()));
        String[] cells = new String[columns.size()];

        AdminExportResource.CsvCells.metrics(METRICS, columns, cells);

        assertArrayEquals(new String[]{"12345678901234567890", "\"'=HYPERLINK(\"\"x\"\")\"", null, "-3", null,
                "\"{\"\"a\"\":[1,\"\"b,c\"\"]}\"", "false", "true", "pro", "1.50", "12"}, cells);
    }

    @Test
    void csvCellsOfTheLastRowDoNotLeakIntoTheNext() {
        Map<String, Integer> columns = Map.of("a", 0, "b", 1);
        String[] cells = new String[2];
        AdminExportResource.CsvCells.metrics("{\"a\": 1, \"b\": 2}", columns, cells);
        AdminExportResource.CsvCells.metrics("{\"b\": 3}", columns, cells);
        assertArrayEquals(new String[]{null, "3"}, cells);
    }

    @Test
    void theExportedTextIsTheSameObjectAsTheApiAnswer() throws Exception {
        var summary = new InstanceDirectory.Summary(UUID.fromString("8d6c3a52-8f83-4cf4-9a57-2c2b3b8f4b1e"), "demo",
                "Demo \"</script><img src=x onerror=alert(1)>", "1.0\u2028", null, "prod\\\\eu\t1", "linux/amd64", "active", true,
                Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-03T03:04:05.123Z"), null,
                METRICS.getBytes(StandardCharsets.UTF_8));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        AdminJson.writeInstance(summary, text);

        try (var reader = JsonSupport.reader(new StringReader(text.toString(StandardCharsets.UTF_8)))) {
            assertEquals(AdminJson.instance(summary).build(), reader.readObject());
        }
    }
}
