package io.shm.sdk;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reports this application's usage to an SHM server: registers the instance, activates it with a
 * signed, time-stamped body, then sends a signed snapshot of its metrics at once and once per
 * interval.
 *
 * <pre>{@code
 * ShmReporter.Running telemetry = ShmReporter.builder("https://shm.example.com", "my-app", "1.4.2")
 *         .metrics(() -> Map.of("users_count", users.count()))
 *         .build()
 *         .start();
 * }</pre>
 *
 * Everything happens on one daemon thread; nothing this class does throws into the application,
 * and {@link #start()} returns at once. Failures are logged through {@link System.Logger} (name
 * {@code io.shm.sdk}) and dropped: a snapshot that cannot be delivered before the next interval is
 * given up, never queued. {@code DO_NOT_TRACK=1} (or {@code true}) turns the reporter off.
 */
public final class ShmReporter {

    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final Duration MINIMUM_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofMinutes(5);
    static final String DO_NOT_TRACK = "DO_NOT_TRACK is set";

    private static final System.Logger LOG = System.getLogger("io.shm.sdk");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Builder config;
    private final String disabledBecause;
    private final Instant startedAt = SystemMetrics.processStart();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopping = lock.newCondition();
    private Transport transport;
    private Identity identity;
    private boolean activated;
    private Instant lastTimestamp = Instant.EPOCH;
    private Running running;

    private ShmReporter(Builder config, String disabledBecause) {
        this.config = config;
        this.disabledBecause = disabledBecause;
    }

    /** A reporter for this server and application; see {@link Builder} for the options. */
    public static Builder builder(String serverUrl, String appName, String appVersion) {
        return new Builder(serverUrl, appName, appVersion);
    }

    /**
     * Starts reporting on a daemon thread and returns at once. Calling it again returns the same
     * handle. When reporting is disabled, the handle does nothing.
     */
    public Running start() {
        lock.lock();
        try {
            if (running == null) {
                running = new Running();
                if (disabledBecause != null) {
                    LOG.log(System.Logger.Level.INFO, "SHM telemetry is off: " + disabledBecause);
                } else {
                    Thread thread = new Thread(running::loop, "shm-reporter");
                    thread.setDaemon(true);
                    running.thread = thread;
                    thread.start();
                }
            }
            return running;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one snapshot now, on the calling thread, registering and activating first if this
     * reporter has not yet done so, and retrying 429 and 503 answers for up to the retry window.
     * Never throws.
     */
    public Outcome reportNow() {
        List<Step> steps = report(Instant.now().plus(config.retryWindow));
        return steps.get(steps.size() - 1).outcome();
    }

    /** One request of a report and what became of it. */
    record Step(String name, Outcome outcome) {
    }

    /** Register and activate when not yet done, then a snapshot; every step taken, in order. */
    List<Step> report(Instant deadline) {
        List<Step> steps = new ArrayList<>();
        if (disabledBecause != null) {
            steps.add(new Step("snapshot", Outcome.disabled(disabledBecause)));
            return steps;
        }
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            steps.add(new Step("snapshot", Outcome.disabled("interrupted")));
            return steps;
        }
        try {
            if (running != null && running.closed) {
                steps.add(new Step("snapshot", Outcome.disabled("the reporter is closed")));
                return steps;
            }
            if (identity == null) {
                identity = Identity.loadOrCreate(config.identityFile(), LOG);
                transport = new Transport(config.server);
                LOG.log(System.Logger.Level.DEBUG, () -> "SHM instance " + identity.instanceId());
            }
            if (!activated) {
                Outcome registered = transport.send("/v1/register", registerBody(), null, 200, deadline);
                steps.add(new Step("register", registered));
                logStep("register", registered);
                if (registered.kind() == Outcome.Kind.UNREACHABLE) {
                    return steps;
                }
                Outcome active = transport.send("/v1/activate", activateBody(), identity, 200, deadline);
                steps.add(new Step("activate", active));
                logStep("activate", active);
                activated = registered.accepted() && active.accepted();
            }
            Outcome snapshot = transport.send("/v1/snapshot", snapshotBody(), identity, 202, deadline);
            steps.add(new Step("snapshot", snapshot));
            logStep("snapshot", snapshot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            steps.add(new Step("snapshot", Outcome.disabled("interrupted")));
        } catch (IOException | RuntimeException e) {
            // An identity that cannot be kept, a metrics supplier that fails badly: log, never throw.
            LOG.log(System.Logger.Level.WARNING, "SHM report failed", e);
            steps.add(new Step("snapshot", new Outcome(Outcome.Kind.FAILED, 0, e.toString(), "")));
        } finally {
            lock.unlock();
        }
        return steps;
    }

    private static void logStep(String step, Outcome outcome) {
        System.Logger.Level level = outcome.accepted() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
        LOG.log(level, () -> "SHM " + step + ": " + outcome);
    }

    byte[] registerBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance_id", identity.instanceId().toString());
        body.put("public_key", identity.publicKeyHex());
        body.put("app_name", config.appName);
        body.put("app_version", config.appVersion);
        body.putAll(metadata());
        return bytes(body);
    }

    /** The signed activate: its timestamp makes it unreplayable, its metadata is signed. */
    byte[] activateBody() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("app_version", config.appVersion);
        metadata.putAll(metadata());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "activate");
        body.put("timestamp", nextTimestamp());
        body.put("metadata", metadata);
        return bytes(body);
    }

    private Map<String, Object> metadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("deployment_mode", deploymentMode());
        metadata.put("environment", config.environment == null ? "" : config.environment);
        metadata.put("os_arch", SystemMetrics.os() + "/" + SystemMetrics.arch());
        return metadata;
    }

    private String deploymentMode() {
        return config.deploymentMode != null ? config.deploymentMode
                : SystemMetrics.detectDeploymentMode(config.env, Files::exists);
    }

    byte[] snapshotBody() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (config.metrics != null) {
            try {
                Map<String, ?> supplied = config.metrics.get();
                if (supplied != null) {
                    metrics.putAll(supplied);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "The SHM metrics supplier failed; sending the system metrics alone", e);
            }
        }
        if (config.systemMetrics) {
            metrics.putAll(SystemMetrics.collect(config.deploymentMode, config.processMetrics, config.env, Files::exists, startedAt));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance_id", identity.instanceId().toString());
        body.put("timestamp", nextTimestamp());
        body.put("metrics", metrics);
        return bytes(body);
    }

    /** Now, to the millisecond, and always later than the last one: the server refuses replays. */
    private String nextTimestamp() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusMillis(1);
        return TIMESTAMP.format(lastTimestamp);
    }

    private static byte[] bytes(Map<String, Object> body) {
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }

    /** The instance this reporter speaks for, reading or making its identity file if need be. */
    public Identity identity() throws IOException {
        lock.lock();
        try {
            if (identity == null) {
                identity = Identity.loadOrCreate(config.identityFile(), LOG);
                transport = new Transport(config.server);
            }
            return identity;
        } finally {
            lock.unlock();
        }
    }

    /** Whether this reporter sends anything ({@code DO_NOT_TRACK} and a bad configuration turn it off). */
    public boolean enabled() {
        return disabledBecause == null;
    }

    /** The handle of a started reporter: closing it stops the background reports. */
    public final class Running implements AutoCloseable {
        private volatile boolean closed;
        private Thread thread;

        private void loop() {
            Instant next = Instant.now();
            while (!closed) {
                Instant deadline = next.plus(config.interval);
                try {
                    report(deadline);
                } catch (RuntimeException | Error unexpected) {
                    LOG.log(System.Logger.Level.WARNING, "SHM report failed", unexpected);
                    if (unexpected instanceof VirtualMachineError) {
                        throw (VirtualMachineError) unexpected;
                    }
                }
                next = deadline;
                if (!awaitUntil(next)) {
                    return;
                }
            }
        }

        /** Waits until {@code when} or until closed; false when closed. */
        private boolean awaitUntil(Instant when) {
            lock.lock();
            try {
                while (!closed) {
                    long nanos = Duration.between(Instant.now(), when).toNanos();
                    if (nanos <= 0) {
                        return true;
                    }
                    stopping.awaitNanos(nanos);
                }
                return false;
            } catch (InterruptedException e) {
                return false;
            } finally {
                lock.unlock();
            }
        }

        /** Whether the background thread is still reporting. */
        public boolean isRunning() {
            return thread != null && thread.isAlive();
        }

        /** Stops reporting; a request under way is abandoned. Waits at most two seconds. */
        @Override
        public void close() {
            closed = true;
            Thread worker = thread;
            if (worker == null) {
                return;
            }
            worker.interrupt();
            if (lock.tryLock()) {
                try {
                    stopping.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            try {
                worker.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What to report and where. Only the server, the application's name and its version are
     * required; the rest has defaults that suit most applications.
     */
    public static final class Builder {
        private final String serverUrl;
        private final String appName;
        private final String appVersion;
        private URI server;
        private String environment;
        private String deploymentMode;
        private Path dataDirectory = Path.of(".");
        private Duration interval = DEFAULT_INTERVAL;
        private Duration retryWindow = DEFAULT_RETRY_WINDOW;
        private Supplier<? extends Map<String, ?>> metrics;
        private Boolean systemMetricsChoice;
        private boolean systemMetrics;
        private boolean processMetrics = true;
        private Function<String, String> env = System::getenv;

        private Builder(String serverUrl, String appName, String appVersion) {
            this.serverUrl = serverUrl;
            this.appName = appName;
            this.appVersion = appVersion == null ? "" : appVersion;
        }

        /** {@code production}, {@code staging}...: free text, empty by default. */
        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        /** {@code docker}, {@code kubernetes}, {@code standalone}...; guessed from container markers when not given. */
        public Builder deploymentMode(String deploymentMode) {
            this.deploymentMode = deploymentMode;
            return this;
        }

        /** Where the identity file is kept; the working directory by default. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Time between snapshots: one hour by default, one minute at the least (shorter is raised to it). */
        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /**
         * How long {@link #reportNow()} keeps retrying answers 429 and 503: five minutes by default.
         * Background reports retry until the next interval is due, at most.
         */
        public Builder retryWindow(Duration retryWindow) {
            this.retryWindow = retryWindow;
            return this;
        }

        /** The application's own metrics, asked for at each snapshot; keys are free text, values numbers, strings, booleans, null, lists or maps. */
        public Builder metrics(Supplier<? extends Map<String, ?>> metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * Whether to add the {@code sys_*} and {@code app_*} keys. By default yes, unless the
         * environment variable {@code SHM_COLLECT_SYSTEM_METRICS} is {@code false} or {@code 0}.
         */
        public Builder systemMetrics(boolean systemMetrics) {
            this.systemMetricsChoice = systemMetrics;
            return this;
        }

        /** Without the {@code app_*} keys, which describe this JVM: for a short-lived command. */
        Builder withoutProcessMetrics() {
            this.processMetrics = false;
            return this;
        }

        /** The environment variables to consult instead of the process's: for tests. */
        Builder environmentVariables(Function<String, String> env) {
            this.env = env;
            return this;
        }

        /**
         * The reporter. An invalid configuration does not throw: it is logged, and the reporter is
         * disabled (its {@link #reportNow()} says why), as it is under {@code DO_NOT_TRACK}.
         */
        public ShmReporter build() {
            String problem = validate();
            if (problem != null) {
                LOG.log(System.Logger.Level.WARNING, "SHM telemetry is off: " + problem);
                return new ShmReporter(this, problem);
            }
            String doNotTrack = lower(env.apply("DO_NOT_TRACK"));
            if (doNotTrack.equals("1") || doNotTrack.equals("true")) {
                return new ShmReporter(this, DO_NOT_TRACK);
            }
            if (interval.compareTo(MINIMUM_INTERVAL) < 0) {
                interval = MINIMUM_INTERVAL;
            }
            String collect = lower(env.apply("SHM_COLLECT_SYSTEM_METRICS"));
            systemMetrics = systemMetricsChoice != null ? systemMetricsChoice : !(collect.equals("false") || collect.equals("0"));
            return new ShmReporter(this, null);
        }

        private String validate() {
            if (appName == null || appName.isBlank()) {
                return "no application name";
            }
            if (serverUrl == null || serverUrl.isBlank()) {
                return "no server URL";
            }
            try {
                server = URI.create(serverUrl.trim());
            } catch (IllegalArgumentException e) {
                return "the server URL is invalid: " + e.getMessage();
            }
            String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || server.getHost() == null) {
                return "the server URL must be http(s)://host[:port][/path], not " + serverUrl;
            }
            if (interval == null || retryWindow == null || retryWindow.isNegative() || dataDirectory == null) {
                return "a null or negative interval, retry window or data directory";
            }
            return null;
        }

        Path identityFile() {
            return dataDirectory.resolve(Slug.identityFileName(appName));
        }

        private static String lower(String value) {
            return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return Objects.toString(serverUrl) + " " + appName + " " + appVersion;
        }
    }
}
