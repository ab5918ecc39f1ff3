package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.monitoring.boundary.InstancesMXBean;
import io.shm.monitoring.boundary.JmxRegistration;
import io.shm.testing.AdminClient;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import io.shm.testing.ServerProcess;
import io.shm.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR on a full Payara Server 6 domain, set up as README's "Deploying the WAR to your own server"
 * tells an operator to: the PostgreSQL driver added to the server ({@code asadmin add-library}), the
 * server's own pool from {@code server-config/jdbc-pool.asadmin} ({@code asadmin multimode}),
 * {@code shm.db.jndi} set as a configuration property of the domain, then {@code asadmin deploy}.
 * SHM clients, the admin API and the JMX connector then work on it, through the server's pool.
 */
class PayaraServerIT {

    private static final Path HOME = Path.of(System.getProperty("payara.server.home", "target/payara-server/payara6"));
    private static final Path DOMAINS = Path.of("target", "payara-domains").toAbsolutePath();
    private static final String DOMAIN = "shm-it";
    private static final String DATABASE = "shm_payara_server";
    private static final Duration READY_WITHIN = Duration.ofMinutes(3);
    private static final String ADMIN_TOKEN = "shm_payara-server-it-token-0123456789";
    /** Offsets from the domain's port base that {@code create-domain --portbase} assigns. */
    private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 66, 76, 80, 81, 86};

    private static int portBase;
    private static int jmxPort;
    private static URI base;

    @BeforeAll
    static void deployWithAsadmin() throws Exception {
        TestDatabase database = TestDatabase.get();
        database.createDatabase(DATABASE);
        portBase = freePortBase();
        jmxPort = LocalMachine.freePort();
        base = URI.create("http://127.0.0.1:" + (portBase + 80) + "/");
        LocalMachine.deleteRecursively(DOMAINS);

        asadmin("create-domain", "--domaindir", DOMAINS.toString(), "--portbase", Integer.toString(portBase),
                "--nopassword=true", DOMAIN);
        asadmin("start-domain", "--domaindir", DOMAINS.toString(), DOMAIN);
        asadmin("add-library", Path.of(System.getProperty("postgresql.jar", "target/lib/postgresql.jar")).toAbsolutePath().toString());
        asadmin("multimode", "--file", LocalMachine.repositoryFile("server-config/jdbc-pool.asadmin").toString());
        asadmin("set-config-property", "--propertyName=shm.db.jndi", "--propertyValue=jdbc/shm", "--source=domain");
        asadmin("deploy", "--contextroot", "/", Path.of(System.getProperty("shm.war", "target/shm.war")).toAbsolutePath().toString());
        ServerProcess.awaitReady("Payara Server domain " + DOMAIN, base.resolve("health/ready"), READY_WITHIN,
                DOMAINS.resolve(DOMAIN).resolve("logs").resolve("server.log"));
    }

    @AfterAll
    static void stopDomain() throws Exception {
        if (portBase != 0) {
            asadmin("stop-domain", "--domaindir", DOMAINS.toString(), DOMAIN);
        }
    }

    @Test
    void theWarDeployedWithAsadminServesClientsThroughTheServersPool() throws Exception {
        JsonObject ready = Json.createReader(new StringReader(Http.get(base.toURL(), "health/ready").body())).readObject();
        assertEquals("UP", ready.getString("status"), ready.toString());
        assertEquals("jdbc/shm", ready.getJsonArray("checks").getJsonObject(0).getJsonObject("data").getString("pool"));

        ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
        assertEquals(201, client.register("Server App", "3.0.0", "docker", "production", null).status());
        assertEquals(200, client.activate().status());
        ShmResponse accepted = client.snapshot(Instant.now().minusSeconds(5), Json.createObjectBuilder().add("users_count", 11).build());
        assertEquals(202, accepted.status(), accepted.body());

        JsonObject detail = new AdminClient(base.toURL(), ADMIN_TOKEN).object("/api/v1/admin/instances/" + client.identity().instanceId());
        assertEquals("3.0.0", detail.getString("app_version"));
        assertEquals(11, detail.getJsonObject("metrics").getInt("users_count"));
        try (Connection connection = TestDatabase.get().dataSource(DATABASE).getConnection();
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM snapshot")) {
            count.next();
            assertEquals(1, count.getLong(1), "stored in the database that the server's pool connects to");
        }
    }

    @Test
    void anOperatorRevokesAnInstanceOverJmx() throws Exception {
        ShmClient client = new ShmClient(base, InstanceIdentity.generate(), Http.client());
        assertEquals(201, client.register("Server App", "3.0.0", null, null, null).status());
        assertEquals(200, client.activate().status());
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + jmxPort + "/jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
            InstancesMXBean instances = JMX.newMXBeanProxy(connector.getMBeanServerConnection(), JmxRegistration.INSTANCES,
                    InstancesMXBean.class);
            long revoked = instances.getRevoked();
            instances.revoke(client.identity().instanceId().toString());
            assertEquals(revoked + 1, instances.getRevoked());
        }
        ShmResponse refused = client.snapshot(Instant.now().minusSeconds(5), Json.createObjectBuilder().add("users_count", 1).build());
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("revoked_instance"), refused.body());
    }

    /** One asadmin command against this test's domain; fails the test with asadmin's output if it fails. */
    private static void asadmin(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin").resolve("asadmin").toString(),
                "--user", "admin", "--port", Integer.toString(portBase + 48), "--interactive=false"));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("asadmin", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        // start-domain hands its environment to the server: the WAR's own settings, as an operator sets them.
        env.keySet().removeIf(key -> key.startsWith("SHM_"));
        env.put("SHM_DB_URL", TestDatabase.get().jdbcUrl(DATABASE));
        env.put("SHM_DB_USER", TestDatabase.USER);
        env.put("SHM_DB_PASSWORD", TestDatabase.PASSWORD);
        env.put("SHM_ADMIN_PASSWORD", "payara-server-it-password");
        env.put("SHM_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SHM_JMX_PORT", Integer.toString(jmxPort));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        boolean done = process.waitFor(5, TimeUnit.MINUTES);
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        if (!done) {
            process.destroyForcibly();
        }
        assertTrue(done && process.exitValue() == 0, "asadmin " + String.join(" ", arguments) + " failed:\n" + log);
    }

    /** A port base whose every derived port is free on this machine. */
    private static int freePortBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(200, 600) * 100;
            boolean free = true;
            for (int offset : PORT_OFFSETS) {
                free &= isFree(candidate + offset);
            }
            if (free) {
                return candidate;
            }
        }
        throw new IOException("no free port base for the Payara Server domain");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
