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
import io.shm.monitoring.boundary.CachesMXBean;
import io.shm.monitoring.boundary.IngestStatsMXBean;
import io.shm.monitoring.boundary.JmxRegistration;
import io.shm.monitoring.boundary.RateLimitsMXBean;
import io.shm.ratelimit.control.RateLimiter.Limit;
import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.JmxTestSession;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
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
 * JVM, with the password and access files of {@link JmxTestSession}. Rate limits start off in this
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
        try (JMXConnector jmx = connect(OPERATOR, OPERATOR_PASSWORD)) {
            IngestStatsMXBean ingest = proxy(jmx, JmxRegistration.INGEST, IngestStatsMXBean.class);
            Map<String, Long> acceptedBefore = ingest.getAcceptedCounts();
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

            // What a generic client such as jconsole receives: open types only, no class of the server.
            Object raw = jmx.getMBeanServerConnection().getAttribute(JmxRegistration.INGEST, "AcceptedCounts");
            assertInstanceOf(TabularData.class, raw);
            assertEquals(4, ((TabularData) raw).size());
        }
    }

    @Test
    void aLimitSetThroughJmxIsEnforcedOverHttpAtOnce() throws Exception {
        try (JMXConnector jmx = connect(OPERATOR, OPERATOR_PASSWORD)) {
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
                limits.setLimit("snapshot", configured.perMinute(), configured.burst());
                limits.setEnabled(false);
            }
        }
    }

    @Test
    void badInputToSetLimitIsRefusedWithItsReason() throws Exception {
        try (JMXConnector jmx = connect(OPERATOR, OPERATOR_PASSWORD)) {
            RateLimitsMXBean limits = proxy(jmx, JmxRegistration.RATE_LIMITS, RateLimitsMXBean.class);
            Map<String, Limit> before = limits.getLimits();

            assertEquals("unknown scope 'snapshots': one of [register, activate, snapshot, admin]",
                    illegalArgument(() -> limits.setLimit("snapshots", 10, 10)));
            assertEquals("burst must be between 1 and 1000000, not 0",
                    illegalArgument(() -> limits.setLimit("snapshot", 10, 0)));
            assertEquals(before, limits.getLimits());
        }
    }

    @Test
    void clearingTheCachesEmptiesTheKeyCache() throws Exception {
        try (JMXConnector jmx = connect(OPERATOR, OPERATOR_PASSWORD)) {
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
    void withoutCredentialsOrWithAWrongPasswordNobodyGetsIn() {
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(serviceUrl()).close());
        assertThrows(SecurityException.class, () -> connect(OPERATOR, "not-the-password").close());
        assertThrows(SecurityException.class, () -> connect("intruder", OPERATOR_PASSWORD).close());
    }

    @Test
    void aReadOnlyUserReadsButChangesNothing() throws Exception {
        try (JMXConnector jmx = connect(MONITOR, MONITOR_PASSWORD)) {
            MBeanServerConnection connection = jmx.getMBeanServerConnection();

            assertEquals(100_000, connection.getAttribute(JmxRegistration.CACHES, "KeyCacheCapacity"));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.CACHES, "clear", null, null));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.RATE_LIMITS, "setLimit",
                    new Object[] {"snapshot", 1, 1}, new String[] {"java.lang.String", "int", "int"}));
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

    private static JMXServiceURL serviceUrl() throws IOException {
        String at = "127.0.0.1:" + JmxTestSession.port();
        return new JMXServiceURL("service:jmx:rmi://" + at + "/jndi/rmi://" + at + "/jmxrmi");
    }

    private static JMXConnector connect(String user, String password) throws IOException {
        return JMXConnectorFactory.connect(serviceUrl(), Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
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
        ShmClient client = new ShmClient(URI.create(base.toString()), InstanceIdentity.generate(), Http.client());
        assertEquals(201, client.register("Jmx App", "1.0.0", "docker", "production", "linux/amd64").status());
        assertEquals(200, client.activate().status());
        return client;
    }

    private static JsonObject metrics(int users) {
        return Json.createObjectBuilder().add("users", users).build();
    }
}
