package io.shm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A WildFly server from the distribution the build unpacks ({@code wildfly.home}), started with
 * {@code standalone.sh} on free loopback ports, with its own copy of {@code standalone/} (configuration,
 * deployments, data, log) so that runs never touch the distribution or each other. Driven with
 * {@code jboss-cli.sh} as an operator drives it.
 */
public final class WildFlyServer implements AutoCloseable {

    public static final Path HOME = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final"))
            .toAbsolutePath();
    private static final Duration BOOT = Duration.ofMinutes(4);
    private static final Duration CLI = Duration.ofMinutes(5);

    private final Path base;
    private final ServerProcess process;
    private final int httpPort;
    private final int managementPort;

    private WildFlyServer(Path base, ServerProcess process, int httpPort, int managementPort) {
        this.base = base;
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    /** A fresh copy of the distribution's {@code standalone/} folder at {@code base}, for {@link #start}. */
    public static void freshBase(Path base) throws IOException {
        LocalMachine.deleteRecursively(base);
        Path from = HOME.resolve("standalone");
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = base.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    /**
     * Starts the server on {@code base} (see {@link #freshBase}) and returns once it is ready.
     *
     * @param environment the server's environment beyond this JVM's own (less any {@code SHM_*} of it)
     */
    public static WildFlyServer start(Path base, Map<String, String> environment) throws IOException, InterruptedException {
        int httpPort = LocalMachine.freePort();
        int managementPort = LocalMachine.freePort();
        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("bin").resolve("standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + httpPort, "-Djboss.https.port=" + LocalMachine.freePort(),
                "-Djboss.management.http.port=" + managementPort,
                "-Djboss.management.https.port=" + LocalMachine.freePort());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("SHM_"));
        env.putAll(environment);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // standalone.sh runs the server in the background and waits for it, so that stopping the script stops it.
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        WildFlyServer server = new WildFlyServer(base, ServerProcess.start("WildFly", builder, base.resolve("console.log")),
                httpPort, managementPort);
        try {
            server.awaitReady();
        } catch (RuntimeException | InterruptedException | Error e) {
            server.process.stop();
            throw e;
        }
        return server;
    }

    /** Where the deployed WAR answers: {@code http://127.0.0.1:PORT/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/");
    }

    /** The management interface: jboss-cli, JMX ({@code remote+http}), health. */
    public URI managementUri() {
        return URI.create("http://127.0.0.1:" + managementPort + "/");
    }

    public int managementPort() {
        return managementPort;
    }

    /**
     * Until WildFly's own readiness (server state, deployments, and MicroProfile Health checks when
     * that subsystem is on) answers 200 on the management port, which asks for no credentials.
     */
    public void awaitReady() throws InterruptedException {
        process.awaitReady(managementUri().resolve("health/ready"), BOOT);
    }

    /** One jboss-cli command (or {@code --file=...}) against this server; fails with the CLI's output and the server log's tail. */
    public void cli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin").resolve("jboss-cli.sh").toString(),
                "--connect", "--controller=remote+http://127.0.0.1:" + managementPort, "--timeout=" + CLI.toMillis()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("jboss-cli", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process cli = builder.start();
        boolean done = cli.waitFor(CLI.toMinutes() + 1, TimeUnit.MINUTES);
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        if (!done) {
            cli.destroyForcibly();
        }
        if (!done || cli.exitValue() != 0) {
            throw new IllegalStateException("jboss-cli " + String.join(" ", arguments) + " failed:\n" + log
                    + "\n--- server log:\n" + tail(base.resolve("log").resolve("server.log")));
        }
    }

    /** Resident memory of the server's JVM (the java process standalone.sh started), from /proc; -1 where unknown. */
    public long residentMegabytes() throws IOException {
        Optional<ProcessHandle> java = process.process().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
        return java.isPresent() ? residentMegabytes(java.get().pid()) : -1;
    }

    /** VmRSS of a process, from /proc; -1 where unknown. */
    public static long residentMegabytes(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** Shuts the server down through its management API; stops it when that does not end it within a minute. */
    @Override
    public void close() {
        try {
            if (process.process().isAlive()) {
                cli(":shutdown");
                process.process().waitFor(1, TimeUnit.MINUTES);
            }
        } catch (IOException | RuntimeException e) {
            // Stopped below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.close();
        }
    }

    private static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "(no log)";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
