package io.shm.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reporter's behaviour that needs no server; reporting to the real server is tested in the server's JavaSdkIT. */
class ShmReporterTest {

    @TempDir
    Path dir;

    @Test
    void doNotTrackTurnsReportingOffAndSendsNothing() {
        for (String value : new String[] {"1", "true", "TRUE"}) {
            ShmReporter reporter = builder(Map.of("DO_NOT_TRACK", value)).build();
            assertFalse(reporter.enabled());
            Outcome outcome = reporter.reportNow();
            assertEquals(Outcome.Kind.DISABLED, outcome.kind());
            assertEquals(ShmReporter.DO_NOT_TRACK, outcome.reason());
            try (ShmReporter.Running running = reporter.start()) {
                assertFalse(running.isRunning());
            }
        }
        assertFalse(Files.exists(dir.resolve("my-app_shm_identity.json")), "not even an identity is made");
        assertTrue(builder(Map.of("DO_NOT_TRACK", "0")).build().enabled());
    }

    @Test
    void anInvalidConfigurationDisablesInsteadOfThrowing() {
        for (ShmReporter.Builder bad : new ShmReporter.Builder[] {
                ShmReporter.builder(null, "app", "1"), ShmReporter.builder("http://localhost:1", " ", "1"),
                ShmReporter.builder("ftp://localhost/", "app", "1"), ShmReporter.builder("not a url", "app", "1"),
                ShmReporter.builder("http://localhost:1", "app", "1").interval(null)}) {
            ShmReporter reporter = bad.build();
            assertFalse(reporter.enabled());
            assertEquals(Outcome.Kind.DISABLED, reporter.reportNow().kind());
        }
    }

    @Test
    void anUnreachableServerIsReportedWithoutThrowingOrWaiting() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ShmReporter reporter = ShmReporter.builder("http://127.0.0.1:" + closedPort, "My App", "1.0")
                .dataDirectory(dir).environmentVariables(Map.<String, String>of()::get).build();

        Outcome outcome = reporter.reportNow();

        assertEquals(Outcome.Kind.UNREACHABLE, outcome.kind(), outcome.toString());
        assertTrue(Files.exists(dir.resolve("my-app_shm_identity.json")), "the identity is kept for the next try");
    }

    @Test
    void anIdentityThatCannotBeKeptFailsTheReportWithoutThrowing() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        ShmReporter reporter = ShmReporter.builder("http://127.0.0.1:9", "app", "1").dataDirectory(notADirectory)
                .environmentVariables(Map.<String, String>of()::get).build();

        Outcome outcome = reporter.reportNow();

        assertEquals(Outcome.Kind.FAILED, outcome.kind(), outcome.toString());
        assertTrue(outcome.reason().contains("IOException") || outcome.reason().contains("FileSystemException"), outcome.reason());
    }

    @Test
    void startReturnsAtOnceAndCloseStopsTheDaemonThread() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ShmReporter reporter = ShmReporter.builder("http://127.0.0.1:" + closedPort, "app", "1")
                .dataDirectory(dir).environmentVariables(Map.<String, String>of()::get).build();
        ShmReporter.Running running = reporter.start();
        assertTrue(running == reporter.start(), "one handle per reporter");
        running.close();
        assertFalse(running.isRunning());
        assertEquals(Outcome.Kind.DISABLED, reporter.reportNow().kind(), "a closed reporter sends nothing");
    }

    @Test
    void systemMetricsCarryTheDocumentedKeys() {
        Map<String, Object> all = SystemMetrics.collect(null, true, Map.<String, String>of()::get, p -> false,
                SystemMetrics.processStart());
        assertEquals(Set.of("sys_os", "sys_arch", "sys_cpu_cores", "sys_java_version", "sys_java_vendor", "sys_mode",
                "app_mem_heap_mb", "app_mem_heap_max_mb", "app_uptime_h"), all.keySet());
        assertEquals(Runtime.getRuntime().availableProcessors(), all.get("sys_cpu_cores"));
        assertEquals(System.getProperty("java.version"), all.get("sys_java_version"));
        assertTrue((Long) all.get("app_mem_heap_mb") > 0);

        Map<String, Object> command = SystemMetrics.collect("docker", false, Map.<String, String>of()::get, p -> false, null);
        assertEquals("docker", command.get("sys_mode"), "a given mode wins over the guess");
        assertFalse(command.keySet().stream().anyMatch(k -> k.startsWith("app_")));
    }

    @Test
    void theDeploymentModeIsGuessedFromContainerMarkers() {
        Function<String, String> none = Map.<String, String>of()::get;
        assertEquals("kubernetes", SystemMetrics.detectDeploymentMode(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")::get, p -> false));
        assertEquals("kubernetes", SystemMetrics.detectDeploymentMode(none,
                p -> p.equals(Path.of("/var/run/secrets/kubernetes.io/serviceaccount"))));
        assertEquals("docker", SystemMetrics.detectDeploymentMode(none, p -> p.equals(Path.of("/.dockerenv"))));
        assertEquals("podman", SystemMetrics.detectDeploymentMode(none, p -> p.equals(Path.of("/run/.containerenv"))));
    }

    @Test
    void retriesWaitWhatTheServerAsksWithJitterAndBackOffExponentially() {
        for (int i = 0; i < 50; i++) {
            Duration asked = Transport.delay(1, Duration.ofSeconds(30));
            assertTrue(asked.compareTo(Duration.ofSeconds(30)) >= 0 && asked.compareTo(Duration.ofSeconds(31)) <= 0, asked.toString());
            Duration first = Transport.delay(1, null);
            assertTrue(first.toMillis() >= 500 && first.toMillis() <= 1000, first.toString());
            Duration fourth = Transport.delay(4, null);
            assertTrue(fourth.toMillis() >= 4000 && fourth.toMillis() <= 8000, fourth.toString());
            assertTrue(Transport.delay(40, null).compareTo(Transport.LONGEST_BACKOFF) <= 0);
        }
        assertEquals(Duration.ofSeconds(12), Transport.retryAfter("12").orElseThrow());
        assertEquals(Duration.ZERO, Transport.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT").orElseThrow());
        assertTrue(Transport.retryAfter("soon").isEmpty());
        assertTrue(Transport.retryAfter("-1").isEmpty());
    }

    @Test
    void theReasonOfAProblemAnswerIsRead() {
        assertEquals("rate_limited", Transport.reason("{\"type\":\"about:blank\",\"reason\":\"rate_limited\"}"));
        assertEquals("", Transport.reason("<html>"));
        assertEquals("", Transport.reason("{\"reason\":3}"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theActivateIsTheSignedExtensionWithATimestampAndTheMetadata() throws IOException {
        ShmReporter reporter = ShmReporter.builder("http://127.0.0.1:9", "My App", "2.1.0").dataDirectory(dir)
                .environment("production").deploymentMode("docker").environmentVariables(Map.<String, String>of()::get).build();
        reporter.identity();

        byte[] first = reporter.activateBody();
        byte[] second = reporter.activateBody();

        Map<String, Object> body = Json.readObject(new String(first, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(java.util.List.of("action", "timestamp", "metadata"), java.util.List.copyOf(body.keySet()));
        assertEquals("activate", body.get("action"));
        java.time.Instant stamp = java.time.Instant.parse((String) body.get("timestamp"));
        assertTrue(Duration.between(stamp, java.time.Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0);
        Map<String, Object> metadata = (Map<String, Object>) body.get("metadata");
        assertEquals("2.1.0", metadata.get("app_version"));
        assertEquals("docker", metadata.get("deployment_mode"));
        assertEquals("production", metadata.get("environment"));
        assertEquals(SystemMetrics.os() + "/" + SystemMetrics.arch(), metadata.get("os_arch"));
        String later = (String) Json.readObject(new String(second, java.nio.charset.StandardCharsets.UTF_8)).get("timestamp");
        assertTrue(java.time.Instant.parse(later).isAfter(stamp), "each signed body is later than the last: never replayable");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSnapshotCarriesTheHostsMetricsAndTheSystemOnesUnlessTurnedOff() throws IOException {
        ShmReporter with = ShmReporter.builder("http://127.0.0.1:9", "app", "1").dataDirectory(dir)
                .metrics(() -> Map.of("users", 3)).environmentVariables(Map.<String, String>of()::get).build();
        with.identity();
        Map<String, Object> body = Json.readObject(new String(with.snapshotBody(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(with.identity().instanceId().toString(), body.get("instance_id"));
        Map<String, Object> metrics = (Map<String, Object>) body.get("metrics");
        assertEquals(3L, metrics.get("users"));
        assertTrue(metrics.containsKey("sys_java_version") && metrics.containsKey("app_uptime_h"));

        ShmReporter off = ShmReporter.builder("http://127.0.0.1:9", "app", "1").dataDirectory(dir)
                .metrics(() -> { throw new IllegalStateException("the host's supplier fails"); })
                .environmentVariables(Map.of("SHM_COLLECT_SYSTEM_METRICS", "false")::get).build();
        off.identity();
        Map<String, Object> bare = Json.readObject(new String(off.snapshotBody(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Map.of(), bare.get("metrics"), "no system metrics, and a failing supplier is survived");

        ShmReporter chosen = ShmReporter.builder("http://127.0.0.1:9", "app", "1").dataDirectory(dir).systemMetrics(true)
                .environmentVariables(Map.of("SHM_COLLECT_SYSTEM_METRICS", "0")::get).build();
        chosen.identity();
        assertTrue(((Map<String, Object>) Json.readObject(new String(chosen.snapshotBody(),
                java.nio.charset.StandardCharsets.UTF_8)).get("metrics")).containsKey("sys_os"), "the builder's choice wins");
    }

    private ShmReporter.Builder builder(Map<String, String> env) {
        return ShmReporter.builder("http://127.0.0.1:9", "My App", "1.0").dataDirectory(dir).environmentVariables(env::get);
    }
}
