package io.shm.sdk;

import static io.shm.sdk.SdkTesting.await;
import static io.shm.sdk.SdkTesting.counter;
import static io.shm.sdk.SdkTesting.newAppName;
import static io.shm.sdk.SdkTesting.serverUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client SDK reporting to the server on Payara Micro, as an application embedding it would,
 * and its one-shot command run as a process. (Its answers to rate limits: RateLimitIT.)
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JavaSdkIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @TempDir
    Path dataDir;

    @AfterEach
    void databaseIsBack() {
        TestDatabase.get().start();
    }

    @Test
    void registersActivatesAndReportsAndTheAdminApiShowsItsMetrics() throws Exception {
        String app = newAppName();
        Map<String, Object> business = new LinkedHashMap<>();
        business.put("users_count", 7);
        business.put("active_users", 3);
        business.put("plan", "pro");
        ShmReporter reporter = ShmReporter.builder(serverUrl(base), app, "1.4.2")
                .environment("production")
                .dataDirectory(dataDir)
                .metrics(() -> business)
                .build();

        assertEquals(Outcome.Kind.ACCEPTED, reporter.reportNow().kind());
        business.put("users_count", 8);
        Outcome second = reporter.reportNow();

        assertEquals(Outcome.Kind.ACCEPTED, second.kind(), second.toString());
        assertEquals(202, second.status());
        UUID id = reporter.identity().instanceId();
        assertTrue(Files.exists(dataDir.resolve(app + "_shm_identity.json")));
        JsonObject instance = admin().object("/api/v1/admin/instances/" + id);
        assertEquals("active", instance.getString("status"));
        assertEquals("1.4.2", instance.getString("app_version"));
        assertEquals("production", instance.getString("environment"));
        assertEquals(app, instance.getString("app_slug"));
        JsonObject metrics = instance.getJsonObject("metrics");
        assertEquals(8, metrics.getInt("users_count"));
        assertEquals(3, metrics.getInt("active_users"));
        assertEquals("pro", metrics.getString("plan"));
        assertEquals(System.getProperty("java.version"), metrics.getString("sys_java_version"));
        assertEquals(System.getProperty("java.vendor"), metrics.getString("sys_java_vendor"));
        assertEquals(Runtime.getRuntime().availableProcessors(), metrics.getInt("sys_cpu_cores"));
        for (String key : new String[] {"sys_os", "sys_arch", "sys_mode", "app_mem_heap_mb", "app_mem_heap_max_mb", "app_uptime_h"}) {
            assertTrue(metrics.containsKey(key), key + " in " + metrics);
        }
        assertEquals(instance.getString("deployment_mode"), metrics.getString("sys_mode"));
        JsonArray snapshots = admin().object("/api/v1/admin/instances/" + id + "/snapshots").getJsonArray("snapshots");
        assertEquals(2, snapshots.size());
    }

    @Test
    void anUpgradedApplicationKeepsItsInstanceAndItsNewVersionTakesEffect() throws Exception {
        String app = newAppName();
        ShmReporter before = ShmReporter.builder(serverUrl(base), app, "1.0.0").dataDirectory(dataDir).build();
        assertEquals(Outcome.Kind.ACCEPTED, before.reportNow().kind());

        // The next start of the application, upgraded: same identity file, a new version, a new reporter.
        ShmReporter after = ShmReporter.builder(serverUrl(base), app, "2.0.0").dataDirectory(dataDir)
                .environment("staging").build();
        assertEquals(Outcome.Kind.ACCEPTED, after.reportNow().kind());

        assertEquals(before.identity().instanceId(), after.identity().instanceId());
        HttpResponse<String> list = admin().get("/api/v1/admin/instances?app=" + app);
        assertEquals("1", list.headers().firstValue("X-Total-Count").orElse(""), list.body());
        // The register's new metadata is held until a signed activate: the SDK's signed activate applies it.
        JsonObject instance = admin().object("/api/v1/admin/instances/" + after.identity().instanceId());
        assertEquals("2.0.0", instance.getString("app_version"));
        assertEquals("staging", instance.getString("environment"));
        JsonObject pending = instance.getJsonObject("pending_metadata");
        assertTrue(pending.values().stream().allMatch(value -> value.getValueType() == JsonValue.ValueType.NULL),
                "nothing left pending: " + pending);
    }

    @Test
    void anIdentityFileOfTheNodeSdkIsTakenOverAndTheServerSeesOneInstance() throws Exception {
        // An identity file as the Node.js SDK writes it, made once with Node's crypto (see the resource).
        String nodeFile = resource("node-identity.json");
        JsonObject node = Json.createReader(new java.io.StringReader(nodeFile)).readObject();
        UUID id = UUID.fromString(node.getString("instanceId"));
        String app = newAppName();
        Files.writeString(dataDir.resolve(app + "_shm_identity.json"), nodeFile);
        // That application reported with the Node.js SDK before: register, the plain activate, a snapshot.
        byte[] seed = HexFormat.of().parseHex(node.getString("privateKey").substring(0, 64));
        ShmClient nodeSdk = new ShmClient(URI.create(base.toString()), InstanceIdentity.fromSeed(id, seed), Http.client());
        assertEquals(201, nodeSdk.register(app, "1.0.0", null, null, "linux/x64").status());
        assertEquals(200, nodeSdk.activate().status());
        assertEquals(202, nodeSdk.snapshot(Instant.now().minus(1, ChronoUnit.MINUTES),
                Json.createObjectBuilder().add("sys_node_version", "v22.0.0").build()).status());

        // Now it runs with the Java SDK.
        ShmReporter reporter = ShmReporter.builder(serverUrl(base), app, "1.1.0").dataDirectory(dataDir).build();
        Outcome outcome = reporter.reportNow();

        assertEquals(Outcome.Kind.ACCEPTED, outcome.kind(), outcome.toString());
        assertEquals(id, reporter.identity().instanceId());
        assertEquals(nodeFile, Files.readString(dataDir.resolve(app + "_shm_identity.json")), "the file is left as it was");
        HttpResponse<String> list = admin().get("/api/v1/admin/instances?app=" + app);
        assertEquals("1", list.headers().firstValue("X-Total-Count").orElse(""), list.body());
        assertEquals(2, admin().object("/api/v1/admin/instances/" + id + "/snapshots").getJsonArray("snapshots").size());
        assertEquals("1.1.0", admin().object("/api/v1/admin/instances/" + id).getString("app_version"));
    }

    @Test
    void aSnapshotSentDuringADatabaseOutageIsDeliveredOnceTheDatabaseIsBack() throws Exception {
        ShmReporter reporter = ShmReporter.builder(serverUrl(base), newAppName(), "1.0.0").dataDirectory(dataDir)
                .metrics(() -> Map.of("jobs", 1)).retryWindow(Duration.ofMinutes(5)).build();
        assertEquals(Outcome.Kind.ACCEPTED, reporter.reportNow().kind());
        UUID id = reporter.identity().instanceId();
        double unavailable = counter(base, "shm_ingest_refused_total", "reason=\"database_unavailable\"");

        TestDatabase.get().stop();
        CompletableFuture<Outcome> during = CompletableFuture.supplyAsync(reporter::reportNow);
        await("the server answered 503 to the SDK", Duration.ofMinutes(2),
                () -> counter(base, "shm_ingest_refused_total", "reason=\"database_unavailable\"") > unavailable);
        assertFalse(during.isDone(), "the SDK waits for the database rather than giving up");
        TestDatabase.get().start();

        Outcome outcome = during.get(4, TimeUnit.MINUTES);
        assertEquals(Outcome.Kind.ACCEPTED, outcome.kind(), outcome.toString());
        assertEquals(2, admin().object("/api/v1/admin/instances/" + id + "/snapshots").getJsonArray("snapshots").size());
    }

    @Test
    void startReportsOnADaemonThreadUntilClosed() throws Exception {
        String app = newAppName();
        ShmReporter reporter = ShmReporter.builder(serverUrl(base), app, "3.0.0").dataDirectory(dataDir)
                .metrics(() -> Map.of("background", true)).build();

        ShmReporter.Running running = reporter.start();

        assertTrue(running.isRunning());
        String instance = "/api/v1/admin/instances/" + reporter.identity().instanceId();
        await("the first background snapshot reached the server", Duration.ofMinutes(2), () -> {
            HttpResponse<String> answer = admin().get(instance);
            return answer.statusCode() == 200
                    && AdminClient.parse(answer.body()).asJsonObject().getJsonObject("metrics").containsKey("background");
        });
        assertTrue(admin().object(instance).getJsonObject("metrics").getBoolean("background"));
        running.close();
        assertFalse(running.isRunning());
        assertEquals(Outcome.Kind.DISABLED, reporter.reportNow().kind());
    }

    // ---- java -jar shm-client.jar, the one-shot command, as a process ------------------------------

    @Test
    void aSnapshotAcceptedExitsZeroAndItsValuesKeepTheirTypes() throws Exception {
        String app = newAppName();
        Path file = dataDir.resolve("metrics.json");
        Files.writeString(file, "{\"queue\": {\"depth\": 4}, \"users\": 1}");

        Run run = command("--server", serverUrl(base), "--app", app, "--app-version", "5.1", "--data-dir", dataDir.toString(),
                "--environment", "cron", "--deployment-mode", "appliance", "--metrics-file", file.toString(),
                "--metric", "users=12", "--metric", "ratio=0.25", "--metric", "backup_ok=true", "--metric", "label=v1.2");

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("register: accepted (201)"), run.out());
        assertTrue(run.out().contains("activate: accepted (200)"), run.out());
        assertTrue(run.out().contains("snapshot: accepted (202)"), run.out());
        String id = instanceId();
        JsonObject instance = admin().object("/api/v1/admin/instances/" + id);
        assertEquals("appliance", instance.getString("deployment_mode"));
        assertEquals("cron", instance.getString("environment"));
        JsonObject metrics = instance.getJsonObject("metrics");
        assertEquals(12, metrics.getInt("users"));
        assertEquals(0.25, metrics.getJsonNumber("ratio").doubleValue());
        assertTrue(metrics.getBoolean("backup_ok"));
        assertEquals("v1.2", metrics.getString("label"));
        assertEquals(4, metrics.getJsonObject("queue").getInt("depth"));
        assertEquals("appliance", metrics.getString("sys_mode"));
        assertFalse(metrics.containsKey("app_mem_heap_mb"), "the command's own JVM is not the application");

        // The next run is the same instance.
        assertEquals(0, command("--server", serverUrl(base), "--app", app, "--app-version", "5.1",
                "--data-dir", dataDir.toString(), "--metric", "users=13").exit());
        assertEquals("1", admin().get("/api/v1/admin/instances?app=" + app)
                .headers().firstValue("X-Total-Count").orElse(""));
    }

    @Test
    void aRefusedSnapshotExitsOneAndPrintsTheServersReason() throws Exception {
        Run run = command("--server", serverUrl(base), "--app", newAppName(), "--app-version", "1",
                "--data-dir", dataDir.toString(), "--metric", "k".repeat(129) + "=1");

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("snapshot: refused (400, key_too_long)"), run.out());
    }

    @Test
    void anUnreachableServerExitsOne() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run run = command("--server", "http://127.0.0.1:" + closedPort, "--app", "nowhere", "--app-version", "1",
                "--data-dir", dataDir.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().contains("register: server unreachable"), run.err());
    }

    @Test
    void badArgumentsExitTwoWithTheUsage() throws Exception {
        Run run = command("--server", serverUrl(base), "--app-version", "1");

        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("--app is required"), run.err());
        assertTrue(run.err().contains("Usage: java -jar shm-client.jar"), run.err());
    }

    /** The id in the identity file the command made in the data directory. */
    private String instanceId() throws IOException {
        Path file;
        try (Stream<Path> files = Files.list(dataDir)) {
            file = files.filter(p -> p.getFileName().toString().endsWith("_shm_identity.json")).findFirst().orElseThrow();
        }
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(file)))) {
            return reader.readObject().getString("instanceId");
        }
    }

    record Run(int exit, String out, String err) {
    }

    private Run command(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("shm.client.jar", "sdk/java/target/shm-client.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is built by 'mvn package' of sdk/java");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("DO_NOT_TRACK");
        builder.environment().remove("SHM_COLLECT_SYSTEM_METRICS");
        Path out = Files.createTempFile(dataDir, "out", ".txt");
        Path err = Files.createTempFile(dataDir, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("The command did not end: " + command);
        }
        Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private AdminClient admin() {
        return AdminClient.withTestToken(base);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JavaSdkIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
