package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.monitoring.boundary.InstancesMXBean;
import io.shm.monitoring.boundary.JmxRegistration;
import io.shm.monitoring.boundary.RetentionMXBean;
import io.shm.testing.AdminClient;
import io.shm.testing.Browser;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import io.shm.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.JMX;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same {@code target/shm.war} on WildFly 39 (standalone.xml), set up as README's "Deploying to an
 * existing server" tells an operator to: the PostgreSQL driver deployed, then
 * {@code server-config/wildfly-datasource.cli}, then the WAR, all with {@code jboss-cli.sh}, and the
 * server started with {@code SHM_DB_JNDI=java:jboss/datasources/shm}. Hibernate, not EclipseLink, runs
 * the persistence unit; MicroProfile Metrics is absent. SHM clients, the admin API, badges, the
 * dashboard, the scheduled rollups, health and the MBeans (over WildFly's own JMX) then work on it.
 * WildFly starts once for the class; its deploy time and resident memory are printed.
 */
class WildFlyIT {

    private static final Path HOME = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final"))
            .toAbsolutePath();
    /** A fresh copy of the distribution's standalone/ folder for each run: configuration, data, log. */
    private static final Path BASE = Path.of("target", "wildfly-standalone").toAbsolutePath();
    private static final String DATABASE = "shm_wildfly";
    private static final String ADMIN_TOKEN = "shm_wildfly-it-token-0123456789";
    private static final String ADMIN_PASSWORD = "wildfly-it-password";
    private static final String DATASOURCE = "java:jboss/datasources/shm";
    private static final Duration BOOT = Duration.ofMinutes(3);

    private static Process server;
    private static int managementPort;
    private static URI base;

    @BeforeAll
    static void deployWithJbossCli() throws Exception {
        TestDatabase.get().createDatabase(DATABASE);
        LocalMachine.deleteRecursively(BASE);
        copy(HOME.resolve("standalone"), BASE);
        int httpPort = LocalMachine.freePort();
        managementPort = LocalMachine.freePort();
        base = URI.create("http://127.0.0.1:" + httpPort + "/");

        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("bin").resolve("standalone.sh").toString(),
                "-Djboss.server.base.dir=" + BASE,
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + httpPort, "-Djboss.https.port=" + LocalMachine.freePort(),
                "-Djboss.management.http.port=" + managementPort,
                "-Djboss.management.https.port=" + LocalMachine.freePort())
                .redirectErrorStream(true)
                .redirectOutput(BASE.resolve("console.log").toFile());
        Map<String, String> env = builder.environment();
        // The WAR's own settings, from the server's environment as an operator sets them.
        env.keySet().removeIf(key -> key.startsWith("SHM_"));
        env.put("SHM_DB_JNDI", DATASOURCE);
        env.put("SHM_DB_URL", TestDatabase.get().jdbcUrl(DATABASE));
        env.put("SHM_DB_USER", TestDatabase.USER);
        env.put("SHM_DB_PASSWORD", TestDatabase.PASSWORD);
        env.put("SHM_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("SHM_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // standalone.sh runs the server in the background and waits for it, so that stopping the script stops it.
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        server = builder.start();
        awaitRunning();

        cli("deploy " + Path.of(System.getProperty("postgresql.jar", "target/lib/postgresql.jar")).toAbsolutePath());
        cli("--file=" + Path.of("server-config", "wildfly-datasource.cli").toAbsolutePath());
        awaitRunning();
        long before = System.nanoTime();
        cli("deploy " + Path.of(System.getProperty("shm.war", "target/shm.war")).toAbsolutePath());
        long deployMillis = (System.nanoTime() - before) / 1_000_000;
        System.out.printf("WildFly %s: shm.war deployed in %d ms (jboss-cli deploy, the CLI's own start included);"
                + " server resident memory after deploy %d MB%n", HOME.getFileName(), deployMillis, residentMegabytes());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server == null) {
            return;
        }
        System.out.printf("WildFly: server resident memory after the test's requests %d MB%n", residentMegabytes());
        try {
            cli(":shutdown");
        } finally {
            if (!server.waitFor(1, TimeUnit.MINUTES)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        }
    }

    @Test
    void theWarServesClientsTheAdminApiAndBadgesThroughTheServersDatasource() throws Exception {
        ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
        assertEquals(201, client.register("WildFly App", "4.0.0", "docker", "production", null).status());
        assertEquals(200, client.activate().status());
        ShmResponse accepted = client.snapshot(Instant.now().minusSeconds(5), Json.createObjectBuilder()
                .add("users_count", 17).add("plan", "pro").add("nested", Json.createObjectBuilder().add("a", 1)).build());
        assertEquals(202, accepted.status(), accepted.body());
        ShmResponse forged = new ShmClient(base, InstanceIdentity.fromSeed(client.identity().instanceId(), new byte[32]), Http.client())
                .snapshot(Instant.now().minusSeconds(1), Json.createObjectBuilder().add("users_count", 1).build());
        assertEquals(403, forged.status(), "a snapshot signed with another key: " + forged.body());
        assertTrue(forged.body().contains("bad_signature"), forged.body());

        // Read back through Hibernate's mapping of the jsonb column.
        JsonObject detail = new AdminClient(base.toURL(), ADMIN_TOKEN).object("/api/v1/admin/instances/" + client.identity().instanceId());
        assertEquals("4.0.0", detail.getString("app_version"));
        assertEquals(17, detail.getJsonObject("metrics").getInt("users_count"));
        assertEquals("pro", detail.getJsonObject("metrics").getString("plan"));
        assertEquals(1, detail.getJsonObject("metrics").getJsonObject("nested").getInt("a"));
        assertEquals(401, Http.get(base.toURL(), "api/v1/admin/instances/" + client.identity().instanceId()).statusCode(),
                "the admin API without a token");

        HttpResponse<String> badge = Http.get(base.toURL(), "badge/wildfly-app/instances");
        assertEquals(200, badge.statusCode());
        assertTrue(badge.body().startsWith("<svg"), badge.body());
        assertEquals("default-src 'none'; style-src 'unsafe-inline'; sandbox",
                badge.headers().firstValue("Content-Security-Policy").orElse(""));

        assertEquals(1, count("SELECT count(*) FROM snapshot s JOIN instance i ON i.id = s.instance_id WHERE i.instance_id = ?::uuid",
                client.identity().instanceId().toString()), "stored in the database that the server's datasource connects to");
    }

    @Test
    void healthIncludesTheDatabaseCheckOnTheManagementPort() throws Exception {
        HttpResponse<String> ready = Http.get(URI.create("http://127.0.0.1:" + managementPort + "/").toURL(), "health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject answer = Json.createReader(new StringReader(ready.body())).readObject();
        JsonObject database = answer.getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(check -> check.getString("name").equals("database")).findFirst().orElseThrow(() -> new AssertionError(answer));
        assertEquals("UP", database.getString("status"), answer.toString());
        assertEquals(DATASOURCE, database.getJsonObject("data").getString("pool"));
        assertEquals(200, Http.get(base.toURL(), "api/healthcheck").statusCode());
    }

    @Test
    void anOperatorSignsInToTheDashboardAndSeesTheInstance() throws Exception {
        ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
        assertEquals(201, client.register("Dashboard App", "5.1.0", null, null, null).status());
        assertEquals(200, client.activate().status());
        assertEquals(202, client.snapshot(Instant.now().minusSeconds(5),
                Json.createObjectBuilder().add("wildfly_key", 4242).build()).status());

        HttpResponse<String> login = Http.get(base.toURL(), "login.xhtml");
        assertEquals(200, login.statusCode());
        assertTrue(login.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                "PrimeFaces' policy: " + login.headers().map());
        assertEquals("DENY", login.headers().firstValue("X-Frame-Options").orElse(""));

        try (Browser browser = new Browser(base.toURL())) {
            browser.open("/app/instances.xhtml?app=dashboard-app");
            browser.byId("login:username").sendKeys("admin");
            browser.byId("login:password").sendKeys(ADMIN_PASSWORD);
            browser.byId("login:submit").click();
            browser.waitUntil("document.readyState === 'complete'");
            browser.waitUntil("document.querySelector('[id$=\"table\"] thead') !== null"
                    + " && document.querySelector('[id$=\"table\"] thead').innerText.indexOf('wildfly_key') >= 0");
            assertTrue(browser.find("[id$='table'] tbody").getText().contains("4242"), browser.text());
            browser.screenshot("wildfly-instances");
            var cookie = browser.driver().manage().getCookieNamed("JSESSIONID");
            assertNotNull(cookie, "the session cookie");
            assertTrue(cookie.isHttpOnly());
            assertEquals("Lax", cookie.getSameSite());
        }
    }

    @Test
    void anOperatorRevokesAnInstanceAndPurgesOverWildFlysJmx() throws Exception {
        ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
        assertEquals(201, client.register("Jmx App", "1.0.0", null, null, null).status());
        assertEquals(200, client.activate().status());
        try (JMXConnector connector = jmx()) {
            var connection = connector.getMBeanServerConnection();
            InstancesMXBean instances = JMX.newMXBeanProxy(connection, JmxRegistration.INSTANCES, InstancesMXBean.class);
            long revoked = instances.getRevoked();
            instances.revoke(client.identity().instanceId().toString());
            assertEquals(revoked + 1, instances.getRevoked());

            RetentionMXBean retention = JMX.newMXBeanProxy(connection, JmxRegistration.RETENTION, RetentionMXBean.class);
            String purged = retention.purgeNow();
            assertNotNull(retention.getLastRun(), "the run just made: " + purged);
        }
        ShmResponse refused = client.snapshot(Instant.now().minusSeconds(5), Json.createObjectBuilder().add("users_count", 1).build());
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("revoked_instance"), refused.body());
    }

    @Test
    void theScheduledRollupsRun() throws Exception {
        // Rollups run at second 5 of every minute: by then the server has been up for a while.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count("SELECT count(*) FROM metric_key_state") == 0) {
            assertTrue(System.nanoTime() < deadline, "no rollup within 90 s");
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** WildFly's own JMX, through its management port, with the client library that comes with it (as jconsole.sh does). */
    private static JMXConnector jmx() throws IOException {
        URLClassLoader client = new URLClassLoader(new URL[] {HOME.resolve("bin/client/jboss-cli-client.jar").toUri().toURL()},
                WildFlyIT.class.getClassLoader());
        JMXServiceURL url = new JMXServiceURL("service:jmx:remote+http://127.0.0.1:" + managementPort);
        return JMXConnectorFactory.connect(url, Map.of(JMXConnectorFactory.PROTOCOL_PROVIDER_CLASS_LOADER, client));
    }

    private static long count(String sql, String... parameters) throws SQLException {
        try (Connection connection = TestDatabase.get().dataSource(DATABASE).getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** Until the server says it is ready (after a start or a reload). */
    private static void awaitRunning() throws Exception {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (true) {
            assertTrue(server.isAlive(), "WildFly stopped:\n" + Files.readString(BASE.resolve("console.log")));
            Optional<String> state = serverState();
            if (state.filter("running"::equals).isPresent()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "WildFly not running after " + BOOT + ": " + state);
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** WildFly's own readiness (server state, deployments) on the management port, which asks for no credentials. */
    private static Optional<String> serverState() {
        try {
            HttpResponse<String> answer = Http.client().send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(answer.statusCode() == 200 ? "running" : "HTTP " + answer.statusCode() + " " + answer.body());
        } catch (IOException notYet) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** One jboss-cli command against this test's server; fails the test with the CLI's output if it fails. */
    private static void cli(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin").resolve("jboss-cli.sh").toString(),
                "--connect", "--controller=remote+http://127.0.0.1:" + managementPort, "--timeout=120000"));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("jboss-cli", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        boolean done = process.waitFor(5, TimeUnit.MINUTES);
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        if (!done) {
            process.destroyForcibly();
        }
        assertTrue(done && process.exitValue() == 0, "jboss-cli " + String.join(" ", arguments) + " failed:\n" + log
                + "\n--- server log:\n" + tail(BASE.resolve("log").resolve("server.log")));
    }

    /** Resident memory of the server's JVM (the java process standalone.sh started), from /proc. */
    private static long residentMegabytes() throws IOException {
        Optional<ProcessHandle> java = server.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
        if (java.isEmpty()) {
            return -1;
        }
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(java.get().pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
