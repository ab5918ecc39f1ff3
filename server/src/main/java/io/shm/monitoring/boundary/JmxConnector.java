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
import java.nio.charset.StandardCharsets;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLServerSocketFactory;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import javax.security.auth.Subject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The remote JMX connector, started only when {@code shm.jmx.port} is set: RMI registry and
 * connector on that one port, so a firewall opens one port, and bound to {@code shm.jmx.host}
 * (loopback unless set), so the sockets exist on no other interface whatever the URL says.
 * Payara Micro's own JMX connector stays off.
 *
 * <p>Safe by default: every client authenticates, with the users of {@code shm.jmx.password.file}
 * (the JDK's format), or else as {@code admin} with a password generated at each start and printed
 * once in the log. {@code shm.jmx.access.file} gives users {@code readonly} or {@code readwrite}
 * (without it, every user of the password file may change). {@link JmxAccessPolicy} keeps every
 * user to the server's MBeans and the read-only platform ones. A host other than loopback needs
 * TLS ({@code shm.jmx.ssl}, with the JVM's {@code javax.net.ssl.keyStore} properties): passwords and
 * everything else would cross the network in clear text.
 *
 * <p>Clients connect to {@link #serviceUrl()}:
 * {@code service:jmx:rmi://HOST:PORT/jndi/rmi://HOST:PORT/jmxrmi}.
 */
@Singleton
@Startup
public class JmxConnector {

    static final String BINDING = "jmxrmi";
    static final String PASSWORD_FILE = "jmx.remote.x.password.file";
    static final String RMI_HOSTNAME = "java.rmi.server.hostname";
    static final String GENERATED_USER = "admin";
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

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
    @ConfigProperty(name = "shm.jmx.ssl", defaultValue = "false")
    boolean ssl;

    @Inject
    Logger log;

    /** The password generated at this start when there is no password file; null otherwise. */
    String generatedPassword;

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
            checkExposure(address, ssl);
            Map<String, JmxAccessPolicy.Access> users = new HashMap<>();
            Map<String, Object> environment = environment(users);
            advertise(address);
            RMIServerSocketFactory sockets = new BoundServerSockets(address, ssl);
            RMIClientSocketFactory clientSockets = ssl ? new SslRMIClientSocketFactory() : null;
            registry = LocateRegistry.createRegistry(listenPort, clientSockets, sockets);
            RMIJRMPServerImpl rmiServer = new RMIJRMPServerImpl(listenPort, clientSockets, sockets, environment);
            connector = new RMIConnectorServer(new JMXServiceURL("rmi", host, listenPort), environment, rmiServer, server);
            connector.setMBeanServerForwarder(JmxAccessPolicy.forwarder(users));
            connector.start();
            // Bound here rather than through JNDI: the stub goes straight into this registry.
            registry.bind(BINDING, rmiServer.toStub());
            log.info(() -> "JMX connector listening at " + serviceUrl().orElseThrow() + (ssl ? ", over TLS" : "")
                    + (passwordFile.isPresent() ? ", users of " + passwordFile.get() : ", user '" + GENERATED_USER + "'"));
            if (generatedPassword != null) {
                String secret = generatedPassword;
                log.warning(() -> "\n\n    JMX login: user '" + GENERATED_USER + "', password '" + secret + "' (read-write)\n"
                        + "    Shown once, new at each start: set SHM_JMX_PASSWORD_FILE for lasting users.\n");
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

    /** The connector's environment; fills {@code users} with who may do what. */
    private Map<String, Object> environment(Map<String, JmxAccessPolicy.Access> users) throws IOException {
        Map<String, Object> environment = new HashMap<>();
        // Credentials are a user name and a password: nothing else is deserialized from a client that has not logged in.
        environment.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, String.class.getName() + ";!*");
        if (accessFile.isPresent() && passwordFile.isEmpty()) {
            // The access file would name users of a password file that does not exist.
            throw new IllegalStateException("shm.jmx.access.file needs shm.jmx.password.file");
        }
        if (passwordFile.isPresent()) {
            Path passwords = checkedPasswordFile(Path.of(passwordFile.get()));
            environment.put(PASSWORD_FILE, passwords.toString());
            if (accessFile.isPresent()) {
                Path access = Path.of(accessFile.get());
                if (!Files.isReadable(access)) {
                    throw new IllegalStateException("the access file " + access + " cannot be read");
                }
                users.putAll(JmxAccessPolicy.readAccessFile(access));
            } else {
                usersOf(passwords).forEach(user -> users.put(user, JmxAccessPolicy.Access.READWRITE));
            }
        } else {
            generatedPassword = generatePassword();
            environment.put(JMXConnectorServer.AUTHENTICATOR, new GeneratedCredentials(GENERATED_USER, generatedPassword));
            users.put(GENERATED_USER, JmxAccessPolicy.Access.READWRITE);
        }
        return environment;
    }

    /**
     * Loopback only, unless the connection is encrypted: over RMI without TLS, passwords and every
     * attribute cross the network in clear text.
     */
    static void checkExposure(InetAddress address, boolean ssl) {
        if (!address.isLoopbackAddress() && !ssl) {
            throw new IllegalStateException("shm.jmx.host " + address.getHostAddress() + " is not a loopback address: "
                    + "set shm.jmx.ssl=true (with -Djavax.net.ssl.keyStore=...) or reach a loopback connector through an SSH tunnel");
        }
    }

    /** The user names of a JDK-style password file: the first word of each line that is not a comment. */
    static java.util.List<String> usersOf(Path passwordFile) throws IOException {
        return Files.readAllLines(passwordFile).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.split("\\s+")[0]).toList();
    }

    static String generatePassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            secret.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    /** The one generated user, its password compared in constant time. */
    record GeneratedCredentials(String user, String password) implements JMXAuthenticator {

        @Override
        public Subject authenticate(Object credentials) {
            if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
                throw new SecurityException("JMX needs a user name and a password");
            }
            boolean matches = MessageDigest.isEqual(pair[0].getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8))
                    & MessageDigest.isEqual(pair[1].getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
            if (!matches) {
                throw new SecurityException("wrong JMX user name or password");
            }
            return new Subject(true, Set.of(new JMXPrincipal(user)), Set.of(), Set.of());
        }

        @Override
        public String toString() {
            return "GeneratedCredentials[" + user + "]";
        }
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
     * Server sockets on one address only, TLS ones (the JVM's default key store) when {@code ssl}. A
     * record, so that the registry and the connector, given equal factories, share one listening
     * socket on the one port.
     */
    record BoundServerSockets(InetAddress address, boolean ssl) implements RMIServerSocketFactory {

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = ssl ? SSLServerSocketFactory.getDefault().createServerSocket() : new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return socket;
        }
    }
}
