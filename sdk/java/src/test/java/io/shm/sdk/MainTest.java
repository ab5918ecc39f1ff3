package io.shm.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's arguments; its end-to-end runs against the server are in the server's JavaSdkCommandIT. */
class MainTest {

    @TempDir
    Path dir;

    @Test
    void metricValuesThatAreJsonNumbersOrBooleansKeepTheirType() {
        assertEquals(42L, Main.Arguments.value("42"));
        assertEquals(-7L, Main.Arguments.value("-7"));
        assertEquals(new BigDecimal("3.14"), Main.Arguments.value("3.14"));
        assertEquals(new BigDecimal("1e3"), Main.Arguments.value("1e3"));
        assertEquals(new BigDecimal("123456789012345678901234567890"), Main.Arguments.value("123456789012345678901234567890"));
        assertEquals(true, Main.Arguments.value("true"));
        assertEquals(false, Main.Arguments.value("false"));
        for (String text : List.of("007", "1.", "+1", "0x10", "NaN", "True", "", "1 000", "v1.2")) {
            assertEquals(text, Main.Arguments.value(text), "kept as a string: " + text);
        }
    }

    @Test
    void metricsFromTheFileAreOverriddenByMetricFlags() throws Exception {
        Path file = dir.resolve("metrics.json");
        Files.writeString(file, "{\"users\": 3, \"name\": \"x\", \"nested\": {\"a\": [1]}}");
        Main.Arguments parsed = Main.Arguments.parse(new String[] {"--server", "http://localhost:8080", "--app", "a",
                "--app-version=1", "--metrics-file", file.toString(), "--metric", "users=5", "--metric", "Active Users=a=b"});
        assertEquals(Map.of("users", 5L, "name", "x", "nested", Map.of("a", List.of(1L)), "Active Users", "a=b"), parsed.metrics);
    }

    @Test
    void badArgumentsExitWithTwoAndTheUsage() throws Exception {
        Path notAnObject = dir.resolve("list.json");
        Files.writeString(notAnObject, "[1, 2]");
        List<String[]> bad = List.of(
                new String[] {},
                new String[] {"--app", "a", "--app-version", "1"},
                new String[] {"--server", "http://x", "--app-version", "1"},
                new String[] {"--server", "http://x", "--app", "a"},
                new String[] {"--server", "x.example.com", "--app", "a", "--app-version", "1"},
                new String[] {"--server", "http://x", "--app", "a", "--app-version", "1", "--metric", "novalue"},
                new String[] {"--server", "http://x", "--app", "a", "--app-version", "1", "--metric", "=1"},
                new String[] {"--server", "http://x", "--app", "a", "--app-version", "1", "--metrics-file", notAnObject.toString()},
                new String[] {"--server", "http://x", "--app", "a", "--app-version", "1", "--metrics-file", dir.resolve("none").toString()},
                new String[] {"--server", "http://x", "--app", "a", "--app-version", "1", "--max-wait", "soon"},
                new String[] {"--server", "http://x", "--app", "a", "--app-version", "1", "--bogus"},
                new String[] {"--server"});
        for (String[] args : bad) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(args, Map.<String, String>of()::get, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(Main.USAGE, code, String.join(" ", args));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: java -jar shm-client.jar"), String.join(" ", args));
        }
        assertThrows(IllegalArgumentException.class, () -> Main.Arguments.parse(new String[] {"--metric"}));
    }

    @Test
    void doNotTrackSendsNothingAndSucceeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--server", "http://127.0.0.1:9", "--app", "a", "--app-version", "1",
                "--data-dir", dir.toString()}, Map.of("DO_NOT_TRACK", "1")::get,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(Main.ACCEPTED, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("disabled"));
    }
}
