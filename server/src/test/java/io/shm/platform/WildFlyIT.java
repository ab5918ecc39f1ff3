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
import io.shm.testing.WildFlyServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same {@code target/shm.war} on WildFly 39 (standalone.xml). First on the stock server with only
 * {@code SHM_DB_*} set and spec descriptors' expressions expanded: it serves on its own pool. Then set up as README's "Deploying to an
 * existing server" tells an operator to: the PostgreSQL driver deployed, then
 * {@code server-config/wildfly-datasource.cli} (the server's datasource, which the WAR then uses), then
 * the WAR, all with {@code jboss-cli.sh}. Hibernate, not EclipseLink, runs the persistence unit;
 * MicroProfile Metrics is absent. SHM clients, the admin API, badges, the dashboard, the scheduled
 * rollups, health and the MBeans (over WildFly's own JMX) then work on it. WildFly starts once for the
 * class; its deploy times and resident memory are printed.
 */
class WildFlyIT {

    /** A fresh copy of the distribution's standalone/ folder for each run: configuration, data, log. */
    private static final Path BASE = Path.of("target", "wildfly-standalone").toAbsolutePath();
    private static final String DATABASE = "shm_wildfly";
    private static final String ADMIN_TOKEN = "shm_wildfly-it-token-0123456789";
    private static final String ADMIN_PASSWORD = "wildfly-it-password";
    private static final String DATASOURCE = "java:jboss/datasources/shm";

    private static WildFlyServer server;
    private static URI base;
    /** What the first deployment, on the WAR's own pool, answered. */
    private static OwnPool ownPool;

    record OwnPool(int snapshotStatus, JsonObject detail, long storedSnapshots) {
    }

    @BeforeAll
    static void deployWithJbossCli() throws Exception {
        TestDatabase.get().createDatabase(DATABASE);
        WildFlyServer.freshBase(BASE);
        // The WAR's own settings, from the server's environment as an operator sets them. Rate limits off, as in
        // the Arquillian containers: these tests register from one address as they please (RateLimitIT tests limits).
        server = WildFlyServer.start(BASE, Map.of(
                "SHM_RATELIMIT_ENABLED", "false",
                "SHM_DB_URL", TestDatabase.get().jdbcUrl(DATABASE),
                "SHM_DB_USER", TestDatabase.USER,
                "SHM_DB_PASSWORD", TestDatabase.PASSWORD,
                "SHM_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "SHM_ADMIN_TOKEN", ADMIN_TOKEN));
        base = server.uri();
        String war = Path.of(System.getProperty("shm.war", "target/shm.war")).toAbsolutePath().toString();

        // First on a stock server with the one setting the WAR needs: its own pool, from SHM_DB_URL.
        server.cli("/subsystem=ee:write-attribute(name=spec-descriptor-property-replacement, value=true)");
        long before = System.nanoTime();
        server.cli("deploy " + war);
        System.out.printf("WildFly: shm.war deployed on its own pool in %d ms (jboss-cli deploy, the CLI's own start and"
                + " the schema's creation included); server resident memory %d MB%n", millisSince(before), server.residentMegabytes());
        ownPool = serveOneClient();
        server.cli("undeploy shm.war");

        // Then as README tells: the driver, the server's datasource, the WAR.
        server.cli("deploy " + Path.of(System.getProperty("postgresql.jar", "target/lib/postgresql.jar")).toAbsolutePath());
        server.cli("--file=" + LocalMachine.repositoryFile("server-config/wildfly-datasource.cli"));
        server.awaitReady();
        before = System.nanoTime();
        server.cli("deploy " + war);
        System.out.printf("WildFly: shm.war deployed on the server's datasource in %d ms (jboss-cli deploy, the CLI's own"
                + " start included); server resident memory after deploy %d MB%n", millisSince(before), server.residentMegabytes());
    }

    private static OwnPool serveOneClient() throws Exception {
        ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
        client.register("Own Pool App", "1.0.0", null, null, null);
        client.activate();
        int status = client.snapshot(Instant.now().minusSeconds(5), Json.createObjectBuilder().add("users_count", 3).build()).status();
        JsonObject detail = new AdminClient(base.toURL(), ADMIN_TOKEN).object("/api/v1/admin/instances/" + client.identity().instanceId());
        return new OwnPool(status, detail, count("SELECT count(*) FROM snapshot s JOIN instance i ON i.id = s.instance_id"
                + " WHERE i.instance_id = ?::uuid", client.identity().instanceId().toString()));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            System.out.printf("WildFly: server resident memory after the test's requests %d MB%n", server.residentMegabytes());
            server.close();
        }
    }

    @Test
    void droppedIntoAStockServerTheWarServesOnItsOwnPool() {
        assertEquals(202, ownPool.snapshotStatus());
        assertEquals(3, ownPool.detail().getJsonObject("metrics").getInt("users_count"));
        assertEquals(1, ownPool.storedSnapshots());
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
        HttpResponse<String> ready = Http.get(server.managementUri().toURL(), "health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject answer = Json.createReader(new StringReader(ready.body())).readObject();
        JsonObject database = answer.getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(check -> check.getString("name").equals("database")).findFirst().orElseThrow(() -> new AssertionError(answer));
        assertEquals("UP", database.getString("status"), answer.toString());
        assertEquals(DATASOURCE, database.getJsonObject("data").getString("pool"));
        assertEquals(200, Http.get(base.toURL(), "api/v1/healthcheck").statusCode());
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
            browser.type("login:username", "admin");
            browser.type("login:password", ADMIN_PASSWORD);
            browser.clickAndWaitForNextPage("login:submit");
            browser.waitUntil("document.querySelector('[id$=\"table\"] thead') !== null"
                    + " && document.querySelector('[id$=\"table\"] thead').innerText.indexOf('wildfly_key') >= 0");
            assertTrue(browser.text("[id$='table'] tbody").contains("4242"), browser.text());
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
        URLClassLoader client = new URLClassLoader(new URL[] {WildFlyServer.HOME.resolve("bin/client/jboss-cli-client.jar").toUri().toURL()},
                WildFlyIT.class.getClassLoader());
        JMXServiceURL url = new JMXServiceURL("service:jmx:remote+http://127.0.0.1:" + server.managementPort());
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
}
