package io.shm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * What the {@code payara-micro-jmx} container of {@code src/test/resources/arquillian.xml} is
 * started with: a free loopback port for the remote JMX connector, and a password file (owner-only,
 * as the server demands) and access file with one read-write and one read-only user. Chosen before
 * Arquillian reads its configuration; only the Failsafe run, which names {@code shm.test.jmx.dir},
 * asks for them.
 */
public class JmxTestSession implements LauncherSessionListener {

    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-secret";
    public static final String MONITOR = "monitor";
    public static final String MONITOR_PASSWORD = "monitor-secret";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String dir = System.getProperty("shm.test.jmx.dir");
        if (dir == null) {
            return;
        }
        try {
            Path folder = Files.createDirectories(Path.of(dir));
            Path passwords = folder.resolve("jmx.password");
            Files.deleteIfExists(passwords);
            Files.createFile(passwords, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwords, OPERATOR + " " + OPERATOR_PASSWORD + "\n" + MONITOR + " " + MONITOR_PASSWORD + "\n");
            Path access = Files.writeString(folder.resolve("jmx.access"), OPERATOR + " readwrite\n" + MONITOR + " readonly\n");
            System.setProperty("shm.test.jmx.port", Integer.toString(LocalMachine.freePort()));
            System.setProperty("shm.test.jmx.password.file", passwords.toAbsolutePath().toString());
            System.setProperty("shm.test.jmx.access.file", access.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the JMX test files", e);
        }
    }

    /**
     * The JMX credentials a server printed in its log when it started without a password file: user
     * {@code admin} and the generated password, as an operator reads them.
     */
    public static java.util.Map<String, Object> generatedCredentials(Path serverLog) throws IOException {
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile("JMX login: user 'admin', password '([^']+)'")
                .matcher(Files.readString(serverLog, java.nio.charset.StandardCharsets.UTF_8));
        if (!printed.find()) {
            throw new IllegalStateException("no generated JMX password in " + serverLog);
        }
        return java.util.Map.of(javax.management.remote.JMXConnector.CREDENTIALS, new String[] {"admin", printed.group(1)});
    }

    /** The port of the remote JMX connector of the {@code payara-micro-jmx} container. */
    public static int port() {
        return Integer.parseInt(System.getProperty("shm.test.jmx.port"));
    }

    /** The address of that connector. */
    public static javax.management.remote.JMXServiceURL serviceUrl() throws IOException {
        String at = "127.0.0.1:" + port();
        return new javax.management.remote.JMXServiceURL("service:jmx:rmi://" + at + "/jndi/rmi://" + at + "/jmxrmi");
    }

    /** A connection to that connector as {@code user}. */
    public static javax.management.remote.JMXConnector connect(String user, String password) throws IOException {
        return javax.management.remote.JMXConnectorFactory.connect(serviceUrl(),
                java.util.Map.of(javax.management.remote.JMXConnector.CREDENTIALS, new String[] {user, password}));
    }
}
