package io.shm.monitoring.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.testing.LocalMachine;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.StandardMBean;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote connector on loopback ports of this machine, serving an MBean server of its own. */
class JmxConnectorTest {

    @TempDir
    Path dir;

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final int port = LocalMachine.freePort();
    private final JmxConnector connector = new JmxConnector();

    JmxConnectorTest() throws Exception {
        connector.server = server;
        connector.log = Logger.getLogger(JmxConnector.class.getName());
        connector.port = Optional.of(port);
        connector.host = "127.0.0.1";
        connector.passwordFile = Optional.empty();
        connector.accessFile = Optional.empty();
        server.registerMBean(new StandardMBean(new Fixed(), CachesMXBean.class, true), JmxRegistration.CACHES);
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    @Test
    void nothingListensWithoutAPort() {
        connector.port = Optional.empty();

        connector.start();

        assertEquals(Optional.empty(), connector.serviceUrl());
    }

    @Test
    void aClientReadsAttributesThroughTheOnePort() throws Exception {
        connector.start();

        assertEquals("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi",
                connector.serviceUrl().orElseThrow().toString());
        try (JMXConnector client = JMXConnectorFactory.connect(connector.serviceUrl().orElseThrow())) {
            CachesMXBean caches = JMX.newMXBeanProxy(client.getMBeanServerConnection(), JmxRegistration.CACHES, CachesMXBean.class);
            assertEquals(42, caches.getKeyCacheCapacity());
        }
    }

    @Test
    void theSocketIsBoundToTheConfiguredAddressOnlyAndClosedAtStop() throws Exception {
        connector.start();

        assertTrue(accepts("127.0.0.1"));
        assertThrows(ConnectException.class, () -> connect("127.0.0.2"), "another loopback address is another interface");

        connector.stop();

        assertTrue(closesWithin(Duration.ofSeconds(5)), "nothing listens after stop");
        try (ServerSocket again = new ServerSocket(port, 0, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort(), "the port is free for the next deployment");
        }
    }

    @Test
    void withAPasswordFileOnlyKnownUsersGetInAndTheAccessFileLimitsThem() throws Exception {
        connector.passwordFile = Optional.of(ownerOnly("jmx.password", "operator s3cret\nmonitor readme\n").toString());
        connector.accessFile = Optional.of(Files.writeString(dir.resolve("jmx.access"), "operator readwrite\nmonitor readonly\n").toString());
        connector.start();
        var url = connector.serviceUrl().orElseThrow();

        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url).close());
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url, credentials("operator", "wrong")).close());
        try (JMXConnector monitor = JMXConnectorFactory.connect(url, credentials("monitor", "readme"))) {
            MBeanServerConnection connection = monitor.getMBeanServerConnection();
            assertEquals(42, connection.getAttribute(JmxRegistration.CACHES, "KeyCacheCapacity"));
            assertThrows(SecurityException.class, () -> connection.invoke(JmxRegistration.CACHES, "clear", null, null));
        }
        try (JMXConnector operator = JMXConnectorFactory.connect(url, credentials("operator", "s3cret"))) {
            operator.getMBeanServerConnection().invoke(JmxRegistration.CACHES, "clear", null, null);
        }
    }

    @Test
    void aPasswordFileOthersCanReadIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("jmx.password"), "operator s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        connector.passwordFile = Optional.of(file.toString());

        IllegalStateException refused = assertThrows(IllegalStateException.class, connector::start);

        assertTrue(refused.getMessage().contains("must be readable by its owner only (chmod 600)"), refused.getMessage());
        assertFalse(accepts("127.0.0.1"), "nothing was left listening");
    }

    @Test
    void anAccessFileWithoutPasswordsIsRefused() throws Exception {
        connector.accessFile = Optional.of(Files.writeString(dir.resolve("jmx.access"), "operator readwrite\n").toString());

        IllegalStateException refused = assertThrows(IllegalStateException.class, connector::start);

        assertTrue(refused.getMessage().endsWith("shm.jmx.access.file needs shm.jmx.password.file"), refused.getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Path ownerOnly(String name, String content) throws IOException {
        Path file = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Map<String, Object> credentials(String user, String password) {
        return Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
    }

    private boolean accepts(String address) {
        try {
            connect(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The accept thread closes the listening socket as it leaves accept(), a moment after stop:
     * until then the kernel still completes connections.
     */
    private boolean closesWithin(Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (accepts("127.0.0.1")) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void connect(String address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 2000);
        }
    }

    /** Caches with fixed numbers: the connector is under test, not the cache. */
    public static final class Fixed implements CachesMXBean {
        @Override public int getKeyCacheSize() { return 0; }
        @Override public int getKeyCacheCapacity() { return 42; }
        @Override public long getKeyCacheHits() { return 0; }
        @Override public long getKeyCacheMisses() { return 0; }
        @Override public double getKeyCacheHitRate() { return 0; }
        @Override public int getBadgeCacheSize() { return 0; }
        @Override public long getBadgeCacheHits() { return 0; }
        @Override public long getBadgeCacheMisses() { return 0; }
        @Override public double getBadgeCacheHitRate() { return 0; }
        @Override public void clear() { }
    }
}
