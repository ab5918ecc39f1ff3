package io.shm.monitoring.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The remote JMX connector, started only when {@code shm.jmx.port} is set: RMI registry and
 * connector on that one port, so a firewall opens one port, and bound to {@code shm.jmx.host}
 * (loopback unless set), so the sockets exist on no other interface whatever the URL says.
 * {@code shm.jmx.password.file} and {@code shm.jmx.access.file} have the JDK's meaning
 * ({@code jmx.remote.x.password.file}, {@code jmx.remote.x.access.file}). Payara Micro's own JMX
 * connector stays off.
 *
 * <p>Clients connect to {@link #serviceUrl()}:
 * {@code service:jmx:rmi://HOST:PORT/jndi/rmi://HOST:PORT/jmxrmi}.
 */
@Singleton
@Startup
public class JmxConnector {

    static final String BINDING = "jmxrmi";
    static final String PASSWORD_FILE = "jmx.remote.x.password.file";
    static final String ACCESS_FILE = "jmx.remote.x.access.file";
    static final String RMI_HOSTNAME = "java.rmi.server.hostname";

    @Inject
    @ConfigProperty(name = "shm.jmx.port")
    Optional<Integer> port;

    @Inject
    @ConfigProperty(name = "shm.jmx.host", defaultValue = "127.0.0.1")
    String host;

    @Inject
    @ConfigProperty(name = "shm.jmx.password.file")
    Optional<String> passwordFile;

    @Inject
    @ConfigProperty(name = "shm.jmx.access.file")
    Optional<String> accessFile;

    @Inject
    Logger log;

    MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private Registry registry;
    private RMIConnectorServer connector;

    /** Fails the deployment when asked for a connector it cannot start: an operator relies on it. */
    @PostConstruct
    void start() {
        if (port.isEmpty()) {
            return;
        }
        int listenPort = port.get();
        if (listenPort < 1 || listenPort > 65535) {
            throw new IllegalStateException("shm.jmx.port must be from 1 to 65535, not " + listenPort);
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            Map<String, Object> environment = environment();
            advertise(address);
            RMIServerSocketFactory sockets = new BoundServerSockets(address);
            registry = LocateRegistry.createRegistry(listenPort, null, sockets);
            RMIJRMPServerImpl rmiServer = new RMIJRMPServerImpl(listenPort, null, sockets, environment);
            connector = new RMIConnectorServer(new JMXServiceURL("rmi", host, listenPort), environment, rmiServer, server);
            connector.start();
            // Bound here rather than through JNDI: the stub goes straight into this registry.
            registry.bind(BINDING, rmiServer.toStub());
            log.info(() -> "JMX connector listening at " + serviceUrl().orElseThrow()
                    + (passwordFile.isPresent() ? ", with password authentication" : ", without authentication"));
            if (passwordFile.isEmpty() && !address.isLoopbackAddress()) {
                log.warning(() -> "JMX on " + host + " without shm.jmx.password.file: whoever reaches port "
                        + listenPort + " can manage this server");
            }
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("Cannot start the JMX connector on " + host + ":" + listenPort + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void stop() {
        if (connector != null) {
            try {
                connector.stop();
            } catch (IOException e) {
                log.log(Level.WARNING, "Could not stop the JMX connector cleanly", e);
            }
            connector = null;
        }
        if (registry != null) {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException alreadyGone) {
                // Nothing to release.
            }
            registry = null;
        }
    }

    /** Where clients connect; empty when no connector runs. */
    public Optional<JMXServiceURL> serviceUrl() {
        if (connector == null) {
            return Optional.empty();
        }
        String at = hostForUrl() + ":" + port.orElseThrow();
        try {
            return Optional.of(new JMXServiceURL("service:jmx:rmi://" + at + "/jndi/rmi://" + at + "/" + BINDING));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private Map<String, Object> environment() throws IOException {
        Map<String, Object> environment = new HashMap<>();
        // Credentials are a user name and a password: nothing else is deserialized from a client that has not logged in.
        environment.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, String.class.getName() + ";!*");
        if (passwordFile.isPresent()) {
            environment.put(PASSWORD_FILE, checkedPasswordFile(Path.of(passwordFile.get())).toString());
        }
        if (accessFile.isPresent()) {
            if (passwordFile.isEmpty()) {
                // Without authentication there is no user for the access file to name, and JMX lets everyone in.
                throw new IllegalStateException("shm.jmx.access.file needs shm.jmx.password.file");
            }
            Path access = Path.of(accessFile.get());
            if (!Files.isReadable(access)) {
                throw new IllegalStateException("the access file " + access + " cannot be read");
            }
            environment.put(ACCESS_FILE, access.toString());
        }
        return environment;
    }

    /** As the JDK's own JMX agent does: a password file that others can read is refused. */
    static Path checkedPasswordFile(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("the password file " + file + " cannot be read");
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            Set<PosixFilePermission> others = EnumSet.of(
                    PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
            if (permissions.stream().anyMatch(others::contains)) {
                throw new IllegalStateException("the password file " + file
                        + " must be readable by its owner only (chmod 600)");
            }
        }
        return file;
    }

    /**
     * The connector's stub tells clients which host to call back; by default the JVM names its
     * own primary address, where nothing listens when the sockets are bound to loopback. An
     * operator who set {@code java.rmi.server.hostname} (behind NAT, say) is left alone.
     */
    private void advertise(InetAddress address) {
        if (System.getProperty(RMI_HOSTNAME) == null && !address.isAnyLocalAddress()) {
            System.setProperty(RMI_HOSTNAME, host);
        }
    }

    /**
     * Server sockets on one address only. A record, so that the registry and the connector, given
     * equal factories, share one listening socket on the one port.
     */
    record BoundServerSockets(InetAddress address) implements RMIServerSocketFactory {

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return socket;
        }
    }
}
