package io.shm.monitoring;

import static io.shm.testing.JmxTestSession.MONITOR;
import static io.shm.testing.JmxTestSession.MONITOR_PASSWORD;
import static io.shm.testing.JmxTestSession.OPERATOR;
import static io.shm.testing.JmxTestSession.OPERATOR_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.ingest.IngestClients;
import io.shm.ingest.control.DirectSnapshotStore;
import io.shm.monitoring.boundary.CachesMXBean;
import io.shm.monitoring.boundary.IngestStatsMXBean;
import io.shm.monitoring.boundary.InstancesMXBean;
import io.shm.monitoring.boundary.JmxRegistration;
import io.shm.monitoring.boundary.RateLimitsMXBean;
import io.shm.monitoring.boundary.RetentionMXBean;
import io.shm.ratelimit.control.RateLimiter.Limit;
import io.shm.testing.Deployments;
import io.shm.testing.JmxTestSession;
import io.shm.testing.Rows;
import io.shm.testing.TestDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MXBeans through the real remote connector, as jconsole would reach them: over RMI from this
 * JVM, with the password and access files of {@link JmxTestSession}; each user reaches the server's
 * MBeans and the read-only platform ones, nothing else. Rate limits start off in this
 * deployment; the test that needs them switches them on through JMX and back off.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JmxIT {

    @Deployment(testable = false)
    @TargetsContainer("payara-micro-jmx")
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @Test
    void ingestCountsFollowRealSignedRequests() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            IngestStatsMXBean ingest = proxy(jmx, JmxRegistration.INGEST, IngestStatsMXBean.class);
            Map<String, Long> acceptedBefore = ingest.getAcceptedCounts();
            long batchesBefore = ingest.getSnapshotBatches();
            long badSignaturesBefore = ingest.getRefusedCounts().get("bad_signature");

            ShmClient client = activeClient();
            assertEquals(202, client.snapshot(start, metrics(1)).status());
            assertEquals(202, client.snapshot(start.plusSeconds(60), metrics(2)).status());
            byte[] body = client.snapshotBody(start.plusSeconds(120), metrics(3));
            Map<String, String> forged = new HashMap<>(client.signedHeaders(body));
            forged.put(ShmClient.SIGNATURE_HEADER, InstanceIdentity.generate().sign(body));
            assertEquals(403, client.send("/v1/snapshot", body, forged).status());

            Map<String, Long> accepted = ingest.getAcceptedCounts();
            assertEquals(acceptedBefore.get("register_new") + 1, accepted.get("register_new"));
            assertEquals(acceptedBefore.get("activate") + 1, accepted.get("activate"));
            assertEquals(acceptedBefore.get("snapshot") + 2, accepted.get("snapshot"));
            assertEquals(badSignaturesBefore + 1, ingest.getRefusedCounts().get("bad_signature"));
            assertTrue(ingest.getSnapshotsLastMinute() >= 2, "snapshots in the last minute: " + ingest.getSnapshotsLastMinute());
            assertTrue(ingest.getSnapshotsPerSecond() >= 2 / 60.0, "rate: " + ingest.getSnapshotsPerSecond());
            assertEquals(0, ingest.getFailedCount());
            assertNull(ingest.getLastFailure(), "no 500 yet");
            // Sent one after the other: each snapshot in a batch of its own.
            assertEquals(batchesBefore + 2, ingest.getSnapshotBatches());
            assertTrue(ingest.getSnapshotsPerBatch() >= 1, "snapshots per batch: " + ingest.getSnapshotsPerBatch());

            // What a generic client such as jconsole receives: open types only, no class of the server.
            Object raw = jmx.getMBeanServerConnection().getAttribute(JmxRegistration.INGEST, "AcceptedCounts");
            assertInstanceOf(TabularData.class, raw);
            assertEquals(4, ((TabularData) raw).size());
        }
    }

    @Test
    void aLimitSetThroughJmxIsEnforcedOverHttpAtOnce() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            RateLimitsMXBean limits = proxy(jmx, JmxRegistration.RATE_LIMITS, RateLimitsMXBean.class);
            Limit configured = limits.getLimits().get("snapshot");
            assertFalse(limits.isEnabled(), "this deployment starts with rate limits off");
            ShmClient client = activeClient();
            long refusalsBefore = limits.getRefusals().get("snapshot");
            try {
                limits.setLimit("snapshot", 1, 1);
                limits.setEnabled(true);
                assertEquals(new Limit(1, 1), limits.getLimits().get("snapshot"));

                assertEquals(202, client.snapshot(start, metrics(1)).status());
                ShmResponse limited = client.snapshot(start.plusSeconds(1), metrics(2));

                assertEquals(429, limited.status(), limited.body());
                assertEquals("1", limited.header("X-RateLimit-Limit").orElseThrow());
                assertEquals(refusalsBefore + 1, limits.getRefusals().get("snapshot"));

                // A million a minute refills the bucket between two requests.
                limits.setLimit("snapshot", 1_000_000, 1);
                assertEquals(202, client.snapshot(start.plusSeconds(2), metrics(3)).status());
            } finally {
                limits.setLimit("snapshot", (int) configured.perMinute(), configured.burst());
                limits.setEnabled(false);
            }
        }
    }

    @Test
    void badInputToSetLimitIsRefusedWithItsReason() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            RateLimitsMXBean limits = proxy(jmx, JmxRegistration.RATE_LIMITS, RateLimitsMXBean.class);
            Map<String, Limit> before = limits.getLimits();

            assertEquals("unknown scope 'snapshots': one of [register, activate, snapshot, admin, login, signature_failure, public]",
                    illegalArgument(() -> limits.setLimit("snapshots", 10, 10)));
            assertEquals("burst must be between 1 and 1000000, not 0",
                    illegalArgument(() -> limits.setLimit("snapshot", 10, 0)));
            assertEquals(before, limits.getLimits());
        }
    }

    @Test
    void clearingTheCachesEmptiesTheKeyCache() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            CachesMXBean caches = proxy(jmx, JmxRegistration.CACHES, CachesMXBean.class);
            ShmClient client = activeClient();
            assertEquals(202, client.snapshot(start, metrics(1)).status());
            assertTrue(caches.getKeyCacheSize() >= 1, "the activated instance's key is cached");
            assertTrue(caches.getKeyCacheHits() >= 1, "the snapshot found the key the activation loaded");
            assertEquals(100_000, caches.getKeyCacheCapacity());

            caches.clear();

            assertEquals(0, caches.getKeyCacheSize());
            long missesBefore = caches.getKeyCacheMisses();
            assertEquals(202, client.snapshot(start.plusSeconds(60), metrics(2)).status(), "the key is read again");
            assertEquals(1, caches.getKeyCacheSize());
            assertEquals(missesBefore + 1, caches.getKeyCacheMisses());
            double hitRate = caches.getKeyCacheHitRate();
            assertTrue(hitRate > 0 && hitRate < 1, "hit rate " + hitRate);
        }
    }

    @Test
    void theBadgeCacheIsCountedAndClearedWithTheOthers() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            CachesMXBean caches = proxy(jmx, JmxRegistration.CACHES, CachesMXBean.class);
            ShmClient client = IngestClients.activeClient(base, uniqueApp(), "1.0");
            String badge = "/badge/" + slugOf(client) + "/instances";
            long hitsBefore = caches.getBadgeCacheHits();
            long missesBefore = caches.getBadgeCacheMisses();

            assertEquals(200, client.get(badge).status());
            assertEquals(200, client.get(badge).status());

            assertEquals(missesBefore + 1, caches.getBadgeCacheMisses());
            assertEquals(hitsBefore + 1, caches.getBadgeCacheHits());
            assertTrue(caches.getBadgeCacheSize() >= 1);
            assertTrue(caches.getBadgeCacheHitRate() > 0, "hit rate " + caches.getBadgeCacheHitRate());

            caches.clear();

            assertEquals(0, caches.getBadgeCacheSize());
            assertEquals(0, caches.getKeyCacheSize());
            assertEquals(200, client.get(badge).status());
            assertEquals(missesBefore + 2, caches.getBadgeCacheMisses(), "drawn again from the database");
        }
    }

    @Test
    void instancesAreCountedByState() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            InstancesMXBean instances = proxy(jmx, JmxRegistration.INSTANCES, InstancesMXBean.class);
            long total = instances.getTotal();
            long active = instances.getActive();
            long pending = instances.getPending();
            long revoked = instances.getRevoked();
            String app = uniqueApp();

            ShmClient first = IngestClients.activeClient(base, app, "1.0");
            IngestClients.activeClient(base, app, "1.0");
            assertEquals(201, IngestClients.newClient(base).register(app, "1.0", "docker", "production", "linux/amd64").status());

            assertEquals(total + 3, instances.getTotal());
            assertEquals(active + 2, instances.getActive());
            assertEquals(pending + 1, instances.getPending());
            assertEquals(revoked, instances.getRevoked());
            assertEquals(2L, instances.getActiveByApplication().get(slugOf(first)));
            assertEquals(30, instances.getActiveDays());
        }
    }

    @Test
    void anInstanceRevokedThroughJmxIsRefusedOverHttpUntilReactivated() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            InstancesMXBean instances = proxy(jmx, JmxRegistration.INSTANCES, InstancesMXBean.class);
            ShmClient client = IngestClients.activeClient(base, uniqueApp(), "1.0");
            UUID id = client.identity().instanceId();
            String slug = slugOf(client);
            assertEquals(202, client.snapshot(start, metrics(1)).status(), "the key is cached now");
            long revoked = instances.getRevoked();

            instances.revoke(id.toString());

            ShmResponse refused = client.snapshot(start.plusSeconds(60), metrics(2));
            assertEquals(403, refused.status());
            assertEquals("revoked_instance", IngestClients.json(refused.body()).getString("reason"));
            assertEquals("REVOKED", Rows.instance(id).get("status"));
            assertEquals(revoked + 1, instances.getRevoked());
            assertEquals(0L, instances.getActiveByApplication().get(slug));

            instances.reactivate(id.toString());

            assertEquals(202, client.snapshot(start.plusSeconds(120), metrics(3)).status());
            assertEquals("ACTIVE", Rows.instance(id).get("status"));
            assertEquals(revoked, instances.getRevoked());
            assertEquals(1L, instances.getActiveByApplication().get(slug));
        }
    }

    @Test
    void anInstanceDeletedThroughJmxLosesItsRowsAndIsRefusedOverHttp() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            InstancesMXBean instances = proxy(jmx, JmxRegistration.INSTANCES, InstancesMXBean.class);
            ShmClient client = IngestClients.activeClient(base, uniqueApp(), "1.0");
            UUID id = client.identity().instanceId();
            long row = rowOf(client);
            assertEquals(202, client.snapshot(start, metrics(1)).status());
            assertEquals(1, Rows.number("SELECT count(*) FROM snapshot WHERE instance_id = ?", row));
            long total = instances.getTotal();

            instances.delete(id.toString());

            assertEquals(0, Rows.instancesWithId(id));
            assertEquals(0, Rows.number("SELECT count(*) FROM snapshot WHERE instance_id = ?", row));
            assertEquals(total - 1, instances.getTotal());
            ShmResponse refused = client.snapshot(start.plusSeconds(60), metrics(2));
            assertEquals(403, refused.status());
            assertEquals("unknown_instance", IngestClients.json(refused.body()).getString("reason"));
        }
    }

    @Test
    void aBadOrUnknownInstanceIdIsRefusedWithAClearMessage() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            InstancesMXBean instances = proxy(jmx, JmxRegistration.INSTANCES, InstancesMXBean.class);
            UUID unknown = UUID.randomUUID();

            assertEquals("not an instance id: 'not-a-uuid'; expected a UUID such as 123e4567-e89b-12d3-a456-426614174000",
                    illegalArgument(() -> instances.revoke("not-a-uuid")));
            assertEquals("no instance " + unknown, illegalArgument(() -> instances.delete(unknown.toString())));
            assertEquals("no instance " + unknown, illegalArgument(() -> instances.reactivate(unknown.toString())));

            // What a generic client such as jconsole receives: the server's exception itself, nothing of the container.
            RuntimeMBeanException raw = assertThrows(RuntimeMBeanException.class, () -> jmx.getMBeanServerConnection()
                    .invoke(JmxRegistration.INSTANCES, "revoke", new Object[] {"not-a-uuid"}, new String[] {String.class.getName()}));
            assertInstanceOf(IllegalArgumentException.class, raw.getTargetException());
            assertTrue(raw.getTargetException().getMessage().startsWith("not an instance id: 'not-a-uuid'"), raw.toString());
        }
    }

    @Test
    void purgeNowDropsWhatIsOlderThanTheDaysSetThroughJmx() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            RetentionMXBean retention = proxy(jmx, JmxRegistration.RETENTION, RetentionMXBean.class);
            int configured = retention.getDays();
            try {
                retention.setDays(95);
                assertEquals(95, retention.getDays());
                Rows.query("SELECT shm_ensure_snapshot_partitions(100, 0)");
                Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
                Instant old = today.minus(Duration.ofDays(98)).plus(Duration.ofHours(3));
                ShmClient client = IngestClients.activeClient(base, uniqueApp(), "1.0");
                try (Connection connection = TestDatabase.get().dataSource().getConnection()) {
                    assertTrue(DirectSnapshotStore.store(connection, rowOf(client), old, old, metrics(1).toString()));
                }
                String oldPartition = partition(old);
                String keptPartition = partition(today.minus(Duration.ofDays(93)));
                Instant before = Instant.now();

                String summary = retention.purgeNow();

                assertTrue(summary.startsWith("dropped ") && summary.contains(oldPartition), summary);
                RetentionMXBean.LastRun run = retention.getLastRun();
                assertTrue(run.droppedPartitions().contains(oldPartition), run.toString());
                assertFalse(run.droppedPartitions().contains(keptPartition), run.toString());
                Instant cutoff = Instant.parse(run.cutoff());
                assertFalse(cutoff.isBefore(before.minus(Duration.ofDays(95))), run.cutoff());
                assertFalse(cutoff.isAfter(Instant.now().minus(Duration.ofDays(95))), run.cutoff());
                assertEquals(0, Rows.snapshotsOf(client.identity().instanceId()), "the snapshot went with its partition");
                assertEquals(0, Rows.number("SELECT count(*) FROM pg_class WHERE relname = ?", oldPartition));
                assertEquals(1, Rows.number("SELECT count(*) FROM pg_class WHERE relname = ?", keptPartition));

                Object raw = jmx.getMBeanServerConnection().getAttribute(JmxRegistration.RETENTION, "LastRun");
                assertInstanceOf(CompositeData.class, raw);
                assertInstanceOf(String[].class, ((CompositeData) raw).get("droppedPartitions"));
            } finally {
                retention.setDays(configured);
            }
        }
    }

    @Test
    void aRetentionOfLessThanADayIsRefusedWithItsReason() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            RetentionMXBean retention = proxy(jmx, JmxRegistration.RETENTION, RetentionMXBean.class);
            int days = retention.getDays();

            assertEquals("retention must be at least 1 day, not 0", illegalArgument(() -> retention.setDays(0)));
            RuntimeMBeanException raw = assertThrows(RuntimeMBeanException.class, () -> jmx.getMBeanServerConnection()
                    .setAttribute(JmxRegistration.RETENTION, new Attribute("Days", -1)));
            assertEquals("retention must be at least 1 day, not -1", raw.getTargetException().getMessage(),
                    "the validation's own exception, not the EJB container's");
            assertEquals(days, retention.getDays());
        }
    }

    @Test
    void withoutCredentialsOrWithAWrongPasswordNobodyGetsIn() {
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(JmxTestSession.serviceUrl()).close());
        assertThrows(SecurityException.class, () -> JmxTestSession.connect(OPERATOR, "not-the-password").close());
        assertThrows(SecurityException.class, () -> JmxTestSession.connect("intruder", OPERATOR_PASSWORD).close());
    }

    @Test
    void aReadOnlyUserReadsButChangesNothing() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(MONITOR, MONITOR_PASSWORD)) {
            MBeanServerConnection connection = jmx.getMBeanServerConnection();

            assertEquals(100_000, connection.getAttribute(JmxRegistration.CACHES, "KeyCacheCapacity"));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.CACHES, "clear", null, null));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.RATE_LIMITS, "setLimit",
                    new Object[] {"snapshot", 1, 1}, new String[] {"java.lang.String", "int", "int"}));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.INSTANCES, "delete",
                    new Object[] {UUID.randomUUID().toString()}, new String[] {"java.lang.String"}));
            assertThrows(SecurityException.class, () -> connection.setAttribute(JmxRegistration.RETENTION, new Attribute("Days", 1)));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.RETENTION, "purgeNow", null, null));
        }
    }

    @Test
    void aReadOnlyUserReadsTheServerAndTheJvmButReachesNothingElse() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(MONITOR, MONITOR_PASSWORD)) {
            MBeanServerConnection connection = jmx.getMBeanServerConnection();

            assertEquals(100_000, connection.getAttribute(JmxRegistration.CACHES, "KeyCacheCapacity"));
            assertTrue((Long) connection.getAttribute(RUNTIME, "Uptime") > 0);
            assertTrue(connection.getAttribute(RUNTIME, "VmName").toString().length() > 0);
            assertThrows(SecurityException.class, () -> connection.getAttribute(RUNTIME, "InputArguments"),
                    "command lines carry secrets: -Dshm.db.password=...");
            assertThrows(SecurityException.class, () -> connection.getAttribute(RUNTIME, "SystemProperties"));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.CACHES, "clear", null, null));
            assertThrows(SecurityException.class, () -> connection.invoke(DIAGNOSTIC_COMMAND, "vmSystemProperties", null, null));
            assertThrows(SecurityException.class, () -> connection.getMBeanInfo(DIAGNOSTIC_COMMAND));

            for (ObjectName name : connection.queryNames(null, null)) {
                assertTrue(name.getDomain().equals("io.shm") || name.getDomain().equals("java.lang")
                        || name.getCanonicalName().equals("JMImplementation:type=MBeanServerDelegate"), "listed: " + name);
            }
            assertTrue(connection.queryNames(null, null).contains(RUNTIME));
        }
    }

    @Test
    void aReadWriteUserRunsTheServersOperationsButNotThePlatformsDangerousOnes() throws Exception {
        try (JMXConnector jmx = JmxTestSession.connect(OPERATOR, OPERATOR_PASSWORD)) {
            MBeanServerConnection connection = jmx.getMBeanServerConnection();

            connection.invoke(JmxRegistration.CACHES, "clear", null, null);
            assertThrows(SecurityException.class, () -> connection.invoke(DIAGNOSTIC_COMMAND, "vmSystemProperties", null, null));
            assertThrows(SecurityException.class, () -> connection.invoke(DIAGNOSTIC_COMMAND, "compilerDirectivesAdd",
                    new Object[] {new String[] {"/tmp/x"}}, new String[] {String[].class.getName()}));
            assertThrows(SecurityException.class, () -> connection.invoke(HOTSPOT_DIAGNOSTIC, "setVMOption",
                    new Object[] {"HeapDumpOnOutOfMemoryError", "true"}, new String[] {"java.lang.String", "java.lang.String"}));
            assertThrows(SecurityException.class, () -> connection.invoke(HOTSPOT_DIAGNOSTIC, "dumpHeap",
                    new Object[] {"/tmp/heap.hprof", true}, new String[] {"java.lang.String", "boolean"}));
            assertThrows(SecurityException.class, () -> connection.invoke(new ObjectName("java.lang:type=Memory"), "gc", null, null),
                    "the platform's MXBeans are read-only for everyone");
            assertThrows(SecurityException.class, () -> connection.createMBean("javax.management.loading.MLet",
                    new ObjectName("io.shm:type=MLet")));
            assertFalse(connection.isRegistered(new ObjectName("io.shm:type=MLet")));
            assertTrue(connection.queryNames(new ObjectName("amx:*"), null).isEmpty(), "no Payara MBeans");
            assertTrue(connection.queryNames(new ObjectName("com.sun.management:*"), null).isEmpty());
        }
    }

    @Test
    void theConnectorListensOnLoopbackOnly() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", JmxTestSession.port()), 2000);
        }
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class,
                    () -> socket.connect(new InetSocketAddress("127.0.0.2", JmxTestSession.port()), 2000));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static final ObjectName RUNTIME = objectName("java.lang:type=Runtime");
    private static final ObjectName DIAGNOSTIC_COMMAND = objectName("com.sun.management:type=DiagnosticCommand");
    private static final ObjectName HOTSPOT_DIAGNOSTIC = objectName("com.sun.management:type=HotSpotDiagnostic");

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <T> T proxy(JMXConnector jmx, ObjectName name, Class<T> mxbeanInterface) throws IOException {
        return JMX.newMXBeanProxy(jmx.getMBeanServerConnection(), name, mxbeanInterface);
    }

    /** The message of the IllegalArgumentException the server threw, however the connector wraps it. */
    private static String illegalArgument(Runnable call) {
        Throwable thrown = assertThrows(Throwable.class, call::run);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
        }
        throw new AssertionError("no IllegalArgumentException in the chain", thrown);
    }

    private ShmClient activeClient() throws IOException, InterruptedException {
        return IngestClients.activeClient(base, "Jmx App", "1.0.0");
    }

    /** An application of the test's own, so that its counts are exact. */
    private static String uniqueApp() {
        return "jmx-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String slugOf(ShmClient client) {
        return (String) Rows.instance(client.identity().instanceId()).get("slug");
    }

    private static long rowOf(ShmClient client) {
        return Rows.number("SELECT id FROM instance WHERE instance_id = ?", client.identity().instanceId());
    }

    /** The daily snapshot partition that holds this instant. */
    private static String partition(Instant at) {
        return "snapshot_d" + at.toString().substring(0, 10).replace("-", "");
    }

    private static JsonObject metrics(int users) {
        return Json.createObjectBuilder().add("users", users).build();
    }
}
