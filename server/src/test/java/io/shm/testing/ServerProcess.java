package io.shm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server that a test or a benchmark runs as a process of its own (the launcher, a Payara Micro node,
 * a Payara Server domain, WildFly), with its output in a log file. {@link #awaitReady} waits until the
 * server answers 200 at a readiness address, and fails with the last answer it got (status and body:
 * the failing check) or the last connection failure, the process's exit if it died, and the end of its
 * log. {@link #close} stops it with SIGTERM, then kills what is left after a grace period.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread stopOnExit;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stopOnExit = new Thread(this::stop, "stop-" + name);
    }

    /** Starts {@code command} with its output (standard error included) appended to {@code log}. */
    public static ServerProcess start(String name, ProcessBuilder command, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = command.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ServerProcess server = new ServerProcess(name, process, log);
        // A test run that is interrupted leaves no server behind.
        Runtime.getRuntime().addShutdownHook(server.stopOnExit);
        return server;
    }

    /** The java executable of the JVM running the tests, to start a server on the same JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits until {@code readiness} answers 200, or fails; see the class comment. */
    public ServerProcess awaitReady(URI readiness, Duration within) throws InterruptedException {
        return awaitReady(readiness, within, output -> true, "");
    }

    /**
     * Waits until {@code readiness} answers 200 and the log satisfies {@code logCondition} (for instance a
     * data grid of two members), or fails; {@code logConditionDescription} says what the condition waits for.
     */
    public ServerProcess awaitReady(URI readiness, Duration within, Predicate<String> logCondition,
            String logConditionDescription) throws InterruptedException {
        Probe probe = new Probe(readiness);
        long deadline = System.nanoTime() + within.toNanos();
        boolean ready = false;
        boolean logged = false;
        while (process.isAlive() && !(ready && logged) && System.nanoTime() < deadline) {
            ready = ready || probe.answersReady();
            logged = logged || logCondition.test(log());
            if (!(ready && logged)) {
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready; "
                    + probe + "\n" + tail());
        }
        if (!ready) {
            throw new AssertionError(name + " was not ready within " + within + "; " + probe + "\n" + tail());
        }
        if (!logged) {
            throw new AssertionError(name + " did not log " + logConditionDescription + " within " + within + "\n" + tail());
        }
        return this;
    }

    /**
     * Waits until a server that this test did not start itself (a domain that {@code asadmin start-domain}
     * forks, say) answers 200 at {@code readiness}, or fails with the last answer and the end of its log.
     */
    public static void awaitReady(String name, URI readiness, Duration within, Path log) throws InterruptedException {
        Probe probe = new Probe(readiness);
        long deadline = System.nanoTime() + within.toNanos();
        while (!probe.answersReady()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " was not ready within " + within + "; " + probe + "\n"
                        + tail(name, log));
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    public Process process() {
        return process;
    }

    public Path logFile() {
        return log;
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident memory of the process and every process it started, in KiB (Linux; 0 elsewhere). */
    public long residentKib() {
        long kib = rssKib(process.pid());
        for (ProcessHandle child : process.toHandle().descendants().toList()) {
            kib += rssKib(child.pid());
        }
        return kib;
    }

    /** SIGTERM, then SIGKILL for the process and whatever it started if it has not ended after the grace period. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing to remove
        }
    }

    private String tail() {
        return tail(name, log);
    }

    private static String tail(String name, Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return "(no log at " + log + ")";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "last lines of " + name + "'s log " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // not Linux, or the process ended meanwhile
        }
        return 0;
    }

    /** Asks the readiness address and remembers the last answer or failure, for the failure message. */
    private static final class Probe {
        private final URI readiness;
        private String lastAnswer = "none";
        private String lastFailure = "none";

        Probe(URI readiness) {
            this.readiness = readiness;
        }

        boolean answersReady() throws InterruptedException {
            try {
                HttpResponse<String> response = Http.client().send(
                        HttpRequest.newBuilder(readiness).timeout(PROBE_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                lastAnswer = response.statusCode() + " " + response.body();
                return response.statusCode() == 200;
            } catch (IOException notYet) {
                lastFailure = notYet.toString();
                return false;
            }
        }

        @Override
        public String toString() {
            return "last answer of " + readiness + ": " + lastAnswer + "; last failure: " + lastFailure;
        }
    }
}
