package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.AdminClient;
import io.shm.testing.Http;
import io.shm.testing.LocalMachine;
import io.shm.testing.ServerProcess;
import io.shm.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Payara Micro nodes on loopback, clustered with {@code server-config/cluster.asadmin} and
 * configured with the other files of {@code server-config/} as an operator would use them, on the
 * test PostgreSQL, behind a load balancer at 127.0.0.1 that names the client in X-Forwarded-For:
 * they share one rate limit per client and one public-key cache, node2 reaches the database only
 * through the server's own pool of {@code jdbc-pool.asadmin}, and every server-config command
 * applies without a complaint from Payara.
 */
class ClusterIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(5);
    private static final Path SERVER_CONFIG = Path.of("server-config").toAbsolutePath();
    private static final Path LOGS = Path.of("target", "cluster-it").toAbsolutePath();

    private static final String ADMIN_TOKEN = "shm_cluster-test-admin-token-0123456789";
    private static final String SERVER_POOL_SESSIONS = "shm-it-server-pool";

    private static final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    static void startTwoClusteredNodes() throws Exception {
        TestDatabase database = TestDatabase.get();
        // Fresh root folders: Payara Micro would otherwise boot with the applications of the last run, then redeploy.
        LocalMachine.deleteRecursively(LOGS);
        Files.createDirectories(LOGS);
        int[] gridPorts = {LocalMachine.freePort(), LocalMachine.freePort()};
        String members = "127.0.0.1:" + gridPorts[0] + ",127.0.0.1:" + gridPorts[1];
        // A cluster name of its own: no other Payara Micro on this machine can join it.
        String clusterName = "shm-it-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            nodes.add(Node.start("node" + (i + 1), database, clusterName, members, gridPorts[i], i == 1));
        }
        for (Node node : nodes) {
            node.awaitReadyInCluster(clusterName, 2);
        }
    }

    @AfterAll
    static void stopNodes() {
        nodes.forEach(Node::stop);
    }

    @Test
    void twoNodesShareOneRateLimitPerClient() throws Exception {
        // Registration allows a burst of 2 per client address; the load balancer (127.0.0.1) names the client.
        String client = "203.0.113.10";
        ShmResponse first = register(nodes.get(0), client);
        ShmResponse second = register(nodes.get(1), client);
        ShmResponse third = register(nodes.get(0), client);
        ShmResponse fourth = register(nodes.get(1), client);

        assertEquals(201, first.status(), first.body());
        assertEquals(201, second.status(), second.body());
        assertEquals(429, third.status(), "node 1 knows of the request node 2 let through: " + third.body());
        assertTrue(third.body().contains("rate_limited"), third.body());
        assertTrue(third.header("Retry-After").isPresent());
        assertEquals(429, fourth.status(), "and node 2 of node 1's: " + fourth.body());
    }

    @Test
    void aKeyIsReadOnceForTheClusterAndARevocationOnOneNodeDropsItOnAll() throws Exception {
        Map<String, String> from = Map.of("X-Forwarded-For", "203.0.113.20");
        InstanceIdentity identity = InstanceIdentity.generate();
        ShmClient viaFirst = new ShmClient(nodes.get(0).base, identity, Http.client());
        ShmClient viaSecond = new ShmClient(nodes.get(1).base, identity, Http.client());
        byte[] registration = viaFirst.registerBody("Clustered App", "1.0.0", null, null, null);
        assertEquals(201, viaFirst.send("/v1/register", registration, with(ShmClient.jsonHeaders(), from)).status());
        byte[] activation = viaFirst.activateBody();
        assertEquals(200, viaFirst.send("/v1/activate", activation, with(viaFirst.signedHeaders(activation), from)).status());

        long secondMisses = nodes.get(1).keyCache("KeyCacheMisses");
        long secondHits = nodes.get(1).keyCache("KeyCacheHits");
        Instant now = Instant.now();
        ShmResponse accepted = viaSecond.snapshot(now.minusSeconds(60), Json.createObjectBuilder().add("users_count", 3).build());

        assertEquals(202, accepted.status(), accepted.body());
        assertEquals(secondMisses, nodes.get(1).keyCache("KeyCacheMisses"), "node 2 did not read the key from the database");
        assertEquals(secondHits + 1, nodes.get(1).keyCache("KeyCacheHits"), "node 2 found the key node 1 had read");

        AdminClient admin = new AdminClient(nodes.get(1).base.toURL(), ADMIN_TOKEN);
        assertEquals(200, admin.post("/api/v1/admin/instances/" + identity.instanceId() + "/revoke", null).statusCode());
        long firstMisses = nodes.get(0).keyCache("KeyCacheMisses");
        ShmResponse refused = viaFirst.snapshot(now.minusSeconds(30), Json.createObjectBuilder().add("users_count", 4).build());

        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("revoked_instance"), refused.body());
        assertEquals(firstMisses + 1, nodes.get(0).keyCache("KeyCacheMisses"),
                "node 1 no longer held the key revoked on node 2, and asked the database");
    }

    @Test
    void everyServerConfigCommandApplies() throws IOException {
        for (Node node : nodes) {
            String log = node.log();
            assertFalse(log.lines().anyMatch(line -> line.contains("BootCommand")
                            && (line.contains("WARNING") || line.contains("SEVERE") || line.contains("FAILURE"))),
                    node.name + " reported a failed boot command, see " + node.logFile);
            assertTrue(log.contains("hazelcast-runtime-configuration.auto-increment-port=false"), node.name + " ran cluster.asadmin");
            assertTrue(log.contains("max-post-size-bytes=1048576"), node.name + " ran pre-boot-commands.asadmin");
            assertEquals(1, log.lines().filter(line -> line.contains("Network Listener http-listener started")).count(),
                    node.name + " started its HTTP listener once, with its final settings, see " + node.logFile);
        }
        String jsonLog = nodes.get(1).log();
        assertTrue(jsonLog.lines().anyMatch(line -> line.startsWith("{") && line.contains("\"LogMessage\"")),
                "node2 logs in JSON with server-config/json-logging.properties");
    }

    @Test
    void aNodeOnTheServersOwnPoolGoesThroughItForEverything() throws Exception {
        // node2's own pool points at a closed port: had anything used it, node2 would not have become ready.
        Node node = nodes.get(1);
        JsonObject ready = Json.createReader(new java.io.StringReader(Http.get(node.base.toURL(), "health/ready").body())).readObject();
        assertEquals("jdbc/shm", ready.getJsonArray("checks").getJsonObject(0).getJsonObject("data").getString("pool"));

        Map<String, String> from = Map.of("X-Forwarded-For", "203.0.113.30");
        ShmClient client = new ShmClient(node.base, InstanceIdentity.generate(), Http.client());
        byte[] registration = client.registerBody("Pooled App", "2.0.0", null, null, null);
        assertEquals(201, client.send("/v1/register", registration, with(ShmClient.jsonHeaders(), from)).status());
        byte[] activation = client.activateBody();
        assertEquals(200, client.send("/v1/activate", activation, with(client.signedHeaders(activation), from)).status());
        ShmResponse accepted = client.snapshot(Instant.now().minusSeconds(5), Json.createObjectBuilder().add("users_count", 7).build());
        assertEquals(202, accepted.status(), accepted.body());
        JsonObject detail = new AdminClient(node.base.toURL(), ADMIN_TOKEN)
                .object("/api/v1/admin/instances/" + client.identity().instanceId());
        assertEquals("2.0.0", detail.getString("app_version"));
        assertEquals(7, detail.getJsonObject("metrics").getInt("users_count"));

        try (Connection connection = TestDatabase.get().dataSource().getConnection();
             PreparedStatement sessions = connection.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            sessions.setString(1, SERVER_POOL_SESSIONS);
            try (ResultSet count = sessions.executeQuery()) {
                count.next();
                assertTrue(count.getInt(1) > 0, "node2's connections come from the pool of jdbc-pool.asadmin");
            }
        }
    }

    private static ShmResponse register(Node node, String clientAddress) throws Exception {
        ShmClient client = new ShmClient(node.base, InstanceIdentity.generate(), Http.client());
        byte[] body = client.registerBody("Clustered App", "1.0.0", null, null, null);
        return client.send("/v1/register", body, with(ShmClient.jsonHeaders(), Map.of("X-Forwarded-For", clientAddress)));
    }

    private static Map<String, String> with(Map<String, String> headers, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(more);
        return all;
    }

    /** One {@code java -jar payara-micro.jar} with the WAR, as README's clustering section runs it. */
    private static final class Node {
        final String name;
        final ServerProcess server;
        final URI base;
        final Path logFile;
        final int jmxPort;

        private Node(String name, ServerProcess server, URI base, int jmxPort) {
            this.name = name;
            this.server = server;
            this.base = base;
            this.logFile = server.logFile();
            this.jmxPort = jmxPort;
        }

        /** An attribute of {@code io.shm:type=Caches}, over the node's remote JMX connector. */
        long keyCache(String attribute) throws Exception {
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + jmxPort
                    + "/jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
            try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
                return ((Number) connector.getMBeanServerConnection()
                        .getAttribute(new ObjectName("io.shm:type=Caches"), attribute)).longValue();
            }
        }

        /**
         * With {@code operatorOptions}, the node also takes what an operator may add: JSON logging, and the
         * server's own JDBC pool ({@code jdbc-pool.asadmin}, {@code SHM_DB_JNDI=jdbc/shm}) while the WAR's own
         * pool is pointed at a closed port, so that every database access of that node goes through the
         * server's pool or fails.
         */
        static Node start(String name, TestDatabase database, String clusterName, String members, int gridPort,
                boolean operatorOptions) throws IOException {
            int httpPort = LocalMachine.freePort();
            int jmxPort = LocalMachine.freePort();
            Path logFile = LOGS.resolve(name + ".log");
            // Payara Micro reads a single pre-boot file: both, as one, as the Docker image gives them.
            Path preBoot = LOGS.resolve(name + "-pre-boot.asadmin");
            String preBootCommands = Files.readString(SERVER_CONFIG.resolve("pre-boot-commands.asadmin"))
                    + Files.readString(SERVER_CONFIG.resolve("cluster.asadmin"));
            if (operatorOptions) {
                preBootCommands += Files.readString(SERVER_CONFIG.resolve("jdbc-pool.asadmin"))
                        // Names the pool's sessions, so that the test can find them in pg_stat_activity.
                        + "set resources.jdbc-connection-pool.shm-pool.property.ApplicationName=" + SERVER_POOL_SESSIONS + "\n";
            }
            Files.writeString(preBoot, preBootCommands);
            List<String> command = new ArrayList<>(List.of(
                    ServerProcess.java(), "-Xmx512m"));
            if (operatorOptions) {
                // A system property outranks the environment in MicroProfile Config: the WAR's own pool gets
                // this address, the server's pool (${ENV=SHM_DB_URL}) the test database.
                command.add("-Dshm.db.url=jdbc:postgresql://127.0.0.1:" + LocalMachine.freePort() + "/nowhere");
            }
            command.addAll(List.of(
                    "-jar", System.getProperty("payara.micro.jar", "target/lib/payara-micro.jar"),
                    "--deploy", System.getProperty("shm.war", "target/shm.war"),
                    "--contextroot", "/",
                    "--port", Integer.toString(httpPort),
                    "--name", name,
                    "--rootdir", LOGS.resolve(name + "-root").toString(),
                    "--disablephonehome",
                    "--prebootcommandfile", preBoot.toString(),
                    "--clustermode", "tcpip:" + members));
            if (operatorOptions) {
                command.addAll(List.of("--logproperties", SERVER_CONFIG.resolve("json-logging.properties").toString(),
                        "--addlibs", Path.of(System.getProperty("postgresql.jar", "target/lib/postgresql.jar")).toString()));
            }
            Files.deleteIfExists(logFile);
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(key -> key.startsWith("SHM_"));
            env.put("SHM_DB_URL", database.jdbcUrl());
            env.put("SHM_DB_USER", TestDatabase.USER);
            env.put("SHM_DB_PASSWORD", TestDatabase.PASSWORD);
            env.put("SHM_ADMIN_PASSWORD", System.getProperty("shm.test.admin.password", "integration-test-password"));
            env.put("SHM_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("SHM_RATELIMIT_ENABLED", "true");
            env.put("SHM_TRUSTED_PROXIES", "127.0.0.1");
            env.put("SHM_JMX_PORT", Integer.toString(jmxPort));
            env.put("SHM_CLUSTER_ENABLED", "true");
            env.put("SHM_CLUSTER_NAME", clusterName);
            env.put("SHM_CLUSTER_INTERFACE", "127.0.0.1");
            env.put("SHM_CLUSTER_PORT", Integer.toString(gridPort));
            if (operatorOptions) {
                env.put("SHM_DB_JNDI", "jdbc/shm");
            }
            return new Node(name, ServerProcess.start(name, builder, logFile), URI.create("http://127.0.0.1:" + httpPort + "/"),
                    jmxPort);
        }

        /** Answers ready, and Payara's data grid {@code cluster} counts {@code members} members (printed on every change). */
        void awaitReadyInCluster(String cluster, int members) throws InterruptedException {
            String grid = "DG Name: " + cluster + " DG Size: " + members;
            server.awaitReady(base.resolve("health/ready"), READY_WITHIN, log -> log.contains(grid), "'" + grid + "'");
        }

        String log() {
            return server.log();
        }

        void stop() {
            server.stop();
        }
    }
}
