package io.shm.benchmark;

import io.shm.ingest.control.DirectSnapshotStore;
import io.shm.ingest.control.SnapshotStore;
import io.shm.signature.control.Ed25519Verifier;
import io.shm.signature.control.PublicKeys;
import io.shm.signature.control.VerificationKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * How many snapshots per second the SHM server stores and how fast it answers, end to end: real
 * server ({@code target/shm.jar}), real PostgreSQL, real signed requests from simulated instances.
 * Beside it, in the same run on the same machine, the two ceilings that bound it: Ed25519
 * verification on one core, and the server's own SQL transaction issued straight over JDBC, measured
 * in rounds that alternate with the server's (which stays up, idle, meanwhile).
 * <p>
 * {@code mvn -q package -DskipTests && mvn -q exec:java@ingest-benchmark}, with options as system
 * properties or arguments: {@code -Dinstances=200 -Dconcurrency=32 -Dwarmup=240 -Dseconds=30 -Drounds=3
 * -Drate=300 -Dpaced-seconds=15}, or {@code -Dexec.args="instances=400 seconds=60"}.
 */
public final class IngestBenchmark {

    private static final int ACCEPTED = 202;
    private static final double TARGET_THROUGHPUT = 2000;
    private static final double TARGET_SHARE_OF_JDBC = 0.9;
    private static final Duration TARGET_P99_PACED = Duration.ofMillis(20);
    /** The server's and PostgreSQL's CPU together, per accepted snapshot. */
    private static final double TARGET_CPU_MILLIS_PER_SNAPSHOT = 0.5;
    /** The JDBC batched ceiling: two writers, as the server's group commit has. */
    private static final int BATCH_WRITERS = 2;
    /**
     * Before every measured slice but the server's first: a JDBC driver and PostgreSQL are at full
     * speed within seconds, and so is a server that was warmed up and then idle for a slice.
     */
    private static final Duration SLICE_WARMUP = Duration.ofSeconds(5);
    /**
     * Before the first JDBC-only slice: the server's warm-up did not run the load generator's JDBC
     * path, and its JIT compiles it for longer than a slice's warm-up on two busy cores (JDBC-only
     * rates still climbed by half from the first round to the third after 5 s).
     */
    private static final Duration JDBC_FIRST_WARMUP = Duration.ofSeconds(30);
    /**
     * BouncyCastle's field arithmetic is a few large methods that run about ten times slower until
     * C2 has compiled them, which on two busy cores can take several seconds.
     */
    private static final Duration VERIFY_WARMUP = Duration.ofSeconds(10);
    private static final Duration VERIFY_MEASURE = Duration.ofSeconds(3);
    /** Beyond a phase's own length: room for the requests in flight to time out (ShmClient waits 30 s). */
    private static final Duration PHASE_GRACE = Duration.ofMinutes(1);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Options options;
    private final HttpClient http;
    private final ExecutorService workers;

    /** What one worker does, once, with one of its instances: the answer's HTTP status. */
    @FunctionalInterface
    private interface Step {
        int send(SimulatedInstance instance) throws Exception;
    }

    /** A phase's answers, the time they were measured over, and the CPU each part used meanwhile. */
    private record Measured(Tally tally, Duration duration, Map<String, Double> cores) {

        double acceptedPerSecond() {
            return tally.accepted() / seconds(duration);
        }

        /** Several measurements as one: their answers together, over their time together, at their mean CPU. */
        static Measured sum(List<Measured> parts) {
            Duration total = parts.stream().map(Measured::duration).reduce(Duration.ZERO, Duration::plus);
            Map<String, Double> cores = new LinkedHashMap<>();
            for (Measured part : parts) {
                double weight = seconds(part.duration()) / seconds(total);
                part.cores().forEach((name, used) -> cores.merge(name, used * weight, Double::sum));
            }
            return new Measured(Tally.merge(parts.stream().map(Measured::tally).toList()), total, cores);
        }
    }

    private IngestBenchmark(Options options, HttpClient http, ExecutorService workers) {
        this.options = options;
        this.http = http;
        this.workers = workers;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path target = Path.of(System.getProperty("shm.benchmark.target", "target")).toAbsolutePath();
        // HTTP/1.1 only: the JDK client's h2c upgrade attempts hang against Payara's Grizzly.
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(options.concurrency(), task -> {
            Thread thread = new Thread(task, "benchmark-worker-" + threads.incrementAndGet());
            // A worker stuck in a request must not keep Maven's JVM alive after the benchmark gave up.
            thread.setDaemon(true);
            return thread;
        });
        try {
            new IngestBenchmark(options, http, workers).run(target);
        } finally {
            workers.shutdownNow();
        }
    }

    private void run(Path target) throws Exception {
        say("Ed25519 verification on one thread, " + VERIFY_MEASURE.toSeconds() + " s");
        double verifications = verificationsPerSecond();
        say("Starting PostgreSQL and the server (its log: " + target.resolve("benchmark-server.log") + ")");
        try (BenchmarkServer server = BenchmarkServer.start(target)) {
            say("Server ready at " + server.baseUri() + "; registering and activating " + options.instances() + " instances");
            String postgresSettings = server.durabilitySettings();
            List<List<SimulatedInstance>> shares = shares(register(server.baseUri()));
            List<KeepAliveConnection> connections = new ArrayList<>();
            for (int worker = 0; worker < shares.size(); worker++) {
                connections.add(new KeepAliveConnection(server.baseUri()));
            }
            try {
                measure(server, shares, connections, verifications, postgresSettings);
            } finally {
                connections.forEach(KeepAliveConnection::close);
            }
        }
    }

    /**
     * The server warmed up, then the rounds of full load and JDBC only, then the paced phase, on the
     * registered instances and one connection per worker; prints the results.
     */
    private void measure(BenchmarkServer server, List<List<SimulatedInstance>> shares, List<KeepAliveConnection> connections,
                         double verifications, String postgresSettings) throws Exception {
        Duration slice = options.duration().dividedBy(options.rounds());
        say(String.format("Full load: %d workers, %d s warm-up; then %d rounds of %d s with the server and %d s of its"
                        + " statement over JDBC alone, each after %d s of warm-up (JDBC's first after %d s)",
                options.concurrency(), options.warmup().toSeconds(), options.rounds(), slice.toSeconds(),
                slice.toSeconds(), SLICE_WARMUP.toSeconds(), JDBC_FIRST_WARMUP.toSeconds()));
        CpuMeter.Part postgres = CpuMeter.Part.tree("PostgreSQL", server.postgresProcess());
        CpuMeter.Part loadGenerator = CpuMeter.Part.alone("load generator", ProcessHandle.current());
        List<CpuMeter.Part> serverParts = List.of(CpuMeter.Part.tree("server", server.serverProcess()), postgres, loadGenerator);
        List<CpuMeter.Part> jdbcParts = List.of(postgres, loadGenerator);
        Map<UUID, Long> rowIds = rowIds(server.dataSource());
        List<Measured> serverRounds = new ArrayList<>();
        List<Measured> jdbcRounds = new ArrayList<>();
        List<Measured> batchedRounds = new ArrayList<>();
        try (JdbcConnections jdbcConnections = JdbcConnections.open(server.dataSource(), shares.size())) {
            for (int round = 1; round <= options.rounds(); round++) {
                serverRounds.add(closedLoop("full load, round " + round, round == 1 ? options.warmup() : SLICE_WARMUP,
                        slice, shares, worker -> instance -> instance.sendSnapshot(connections.get(worker)), serverParts));
                jdbcRounds.add(closedLoop("JDBC only, round " + round, round == 1 ? JDBC_FIRST_WARMUP : SLICE_WARMUP,
                        slice, shares, worker -> jdbcStep(jdbcConnections.get(worker), rowIds), jdbcParts));
                batchedRounds.add(batchedLoop("JDBC batched, round " + round, SLICE_WARMUP, slice, shares,
                        jdbcConnections, rowIds, jdbcParts));
            }
        }
        Measured fullLoad = Measured.sum(serverRounds);
        Measured jdbc = Measured.sum(jdbcRounds);
        Measured batched = Measured.sum(batchedRounds);

        say(String.format("Paced: %d snapshots/s for %d s", options.rate(), options.pacedDuration().toSeconds()));
        Measured paced = paced(shares, connections);

        print(fullLoad, paced, verifications, jdbc, batched, roundShares(serverRounds, jdbcRounds), postgresSettings);
    }

    private List<SimulatedInstance> register(URI server) throws Exception {
        List<Callable<SimulatedInstance>> registrations = new ArrayList<>();
        for (int number = 0; number < options.instances(); number++) {
            int instanceNumber = number;
            registrations.add(() -> SimulatedInstance.registered(server, http, instanceNumber));
        }
        List<SimulatedInstance> instances = new ArrayList<>();
        for (Future<SimulatedInstance> registered : workers.invokeAll(registrations, 5, TimeUnit.MINUTES)) {
            instances.add(registered.get());
        }
        return instances;
    }

    /** Each worker's own instances, so that no instance ever has two snapshots in flight. */
    private List<List<SimulatedInstance>> shares(List<SimulatedInstance> instances) {
        List<List<SimulatedInstance>> shares = new ArrayList<>();
        for (int worker = 0; worker < options.concurrency(); worker++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < instances.size(); i++) {
            shares.get(i % options.concurrency()).add(instances.get(i));
        }
        return shares;
    }

    /**
     * Every worker sends as fast as it gets answers, round-robin over its instances: the most the
     * system stores at this concurrency.
     */
    private Measured closedLoop(String phase, Duration warmup, Duration measure, List<List<SimulatedInstance>> shares,
                                IntFunction<Step> stepOfWorker, List<CpuMeter.Part> parts) throws Exception {
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long measureUntil = measureFrom + measure.toNanos();
        try (Progress progress = new Progress(phase, measureFrom)) {
            List<Future<Tally>> running = new ArrayList<>();
            for (int worker = 0; worker < shares.size(); worker++) {
                List<SimulatedInstance> share = shares.get(worker);
                Step step = stepOfWorker.apply(worker);
                running.add(workers.submit(() -> {
                    Tally warmingUp = new Tally();
                    Tally measured = new Tally();
                    for (int i = 0; System.nanoTime() < measureUntil; i = (i + 1) % share.size()) {
                        long sent = System.nanoTime();
                        if (send(step, share.get(i), sent, sent < measureFrom ? warmingUp : measured)) {
                            progress.accepted();
                        }
                    }
                    return measured;
                }));
            }
            return measured(running, measureFrom, measureUntil, measure, parts);
        }
    }

    /** The CPU of the parts while the workers measure, and what they measured once they are done. */
    private static Measured measured(List<Future<Tally>> running, long measureFrom, long measureUntil, Duration measure,
                                     List<CpuMeter.Part> parts) throws Exception {
        sleepUntil(measureFrom);
        CpuMeter cpu = CpuMeter.start(parts);
        sleepUntil(measureUntil);
        Map<String, Double> cores = cpu.stop();
        return new Measured(collect(running, measureUntil), measure, cores);
    }

    /**
     * The same statement written as the server's group commit writes it, without the server: two
     * writers, each with half the instances, store batches of half the workers' count (what waits when
     * every worker has a snapshot in flight), one transaction and one commit per batch. Every snapshot of
     * a batch gets the batch's latency.
     */
    private Measured batchedLoop(String phase, Duration warmup, Duration measure, List<List<SimulatedInstance>> shares,
                                 JdbcConnections connections, Map<UUID, Long> rowIds, List<CpuMeter.Part> parts)
            throws Exception {
        int batchSize = Math.max(1, shares.size() / BATCH_WRITERS);
        List<List<SimulatedInstance>> own = new ArrayList<>();
        for (int writer = 0; writer < BATCH_WRITERS; writer++) {
            own.add(new ArrayList<>());
        }
        int next = 0;
        for (List<SimulatedInstance> share : shares) {
            for (SimulatedInstance instance : share) {
                own.get(next++ % BATCH_WRITERS).add(instance);
            }
        }
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long measureUntil = measureFrom + measure.toNanos();
        try (Progress progress = new Progress(phase, measureFrom)) {
            List<Future<Tally>> running = new ArrayList<>();
            for (int writer = 0; writer < BATCH_WRITERS; writer++) {
                List<SimulatedInstance> mine = own.get(writer);
                Connection connection = connections.get(writer);
                running.add(workers.submit(() -> {
                    Tally warmingUp = new Tally();
                    Tally measured = new Tally();
                    int i = 0;
                    while (System.nanoTime() < measureUntil) {
                        long sent = System.nanoTime();
                        Tally tally = sent < measureFrom ? warmingUp : measured;
                        List<SnapshotStore.Row> batch = new ArrayList<>(batchSize);
                        for (int k = 0; k < Math.min(batchSize, mine.size()); k++, i = (i + 1) % mine.size()) {
                            SimulatedInstance instance = mine.get(i);
                            batch.add(new SnapshotStore.Row(rowIds.get(instance.instanceId()), Instant.now(),
                                    instance.nextTimestamp(), instance.nextMetrics().toString()));
                        }
                        try {
                            int stored = DirectSnapshotStore.storeBatch(connection, batch);
                            long latency = System.nanoTime() - sent;
                            for (int k = 0; k < batch.size(); k++) {
                                if (k < stored) {
                                    tally.accepted(latency);
                                    progress.accepted();
                                } else {
                                    tally.answered(409);
                                }
                            }
                        } catch (SQLException e) {
                            tally.failed(e);
                        }
                    }
                    return measured;
                }));
            }
            return measured(running, measureFrom, measureUntil, measure, parts);
        }
    }

    /**
     * An open-loop schedule at the given rate, spread over the workers (each with its own instances
     * and an even share of the rate, staggered). Latency counts from the scheduled send time, not the
     * actual one: a worker held up by a slow answer sends late, and that lateness is latency too
     * (no coordinated omission). What a worker is too late to send before the phase ends is counted,
     * not sent: a server far slower than the rate must not stretch the phase without bound.
     */
    private Measured paced(List<List<SimulatedInstance>> shares, List<KeepAliveConnection> connections) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / options.rate();
        long workerInterval = interval * shares.size();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long until = start + options.pacedDuration().toNanos();
        List<Future<Tally>> running = new ArrayList<>();
        for (int worker = 0; worker < shares.size(); worker++) {
            List<SimulatedInstance> share = shares.get(worker);
            KeepAliveConnection connection = connections.get(worker);
            long first = start + worker * interval;
            running.add(workers.submit(() -> {
                Tally tally = new Tally();
                int i = 0;
                for (long scheduled = first; scheduled < until; scheduled += workerInterval) {
                    if (System.nanoTime() >= until) {
                        tally.notSent();
                        continue;
                    }
                    sleepUntil(scheduled);
                    send(instance -> instance.sendSnapshot(connection), share.get(i), scheduled, tally);
                    i = (i + 1) % share.size();
                }
                return tally;
            }));
        }
        return new Measured(collect(running, until), options.pacedDuration(), Map.of());
    }

    /**
     * One plain JDBC connection per worker, for {@link DirectSnapshotStore} at the server's concurrency:
     * one transaction per snapshot (the statement in auto-commit, as the server runs it), for the same
     * registered instances with later timestamps: what the database does without the server.
     */
    private record JdbcConnections(List<Connection> connections) implements AutoCloseable {

        static JdbcConnections open(DataSource database, int count) throws SQLException {
            JdbcConnections opened = new JdbcConnections(new ArrayList<>());
            try {
                for (int i = 0; i < count; i++) {
                    opened.connections.add(database.getConnection());
                }
            } catch (SQLException e) {
                opened.close();
                throw e;
            }
            return opened;
        }

        Connection get(int worker) {
            return connections.get(worker);
        }

        @Override
        public void close() throws SQLException {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    private static Step jdbcStep(Connection connection, Map<UUID, Long> rowIds) {
        return instance -> {
            boolean stored = DirectSnapshotStore.store(connection, rowIds.get(instance.instanceId()), Instant.now(),
                    instance.nextTimestamp(), instance.nextMetrics().toString());
            // What the server would answer.
            return stored ? ACCEPTED : 409;
        };
    }

    private static Map<UUID, Long> rowIds(DataSource database) throws SQLException {
        Map<UUID, Long> rowIds = new HashMap<>();
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT instance_id, id FROM instance")) {
            while (rows.next()) {
                rowIds.put(rows.getObject(1, UUID.class), rows.getLong(2));
            }
        }
        return rowIds;
    }

    /** @return whether the snapshot was accepted */
    private static boolean send(Step step, SimulatedInstance instance, long sinceNanos, Tally tally) throws InterruptedException {
        try {
            int status = step.send(instance);
            if (status == ACCEPTED) {
                tally.accepted(System.nanoTime() - sinceNanos);
                return true;
            }
            tally.answered(status);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            tally.failed(e);
        }
        return false;
    }

    private static Tally collect(List<Future<Tally>> running, long phaseEndNanos) throws Exception {
        List<Tally> tallies = new ArrayList<>();
        long deadline = phaseEndNanos + PHASE_GRACE.toNanos();
        for (Future<Tally> tally : running) {
            tallies.add(tally.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        return Tally.merge(tallies);
    }

    /** The server's verification path, with a key decoded once as its key cache holds it. */
    private double verificationsPerSecond() {
        SimulatedInstance instance = SimulatedInstance.create(URI.create("http://localhost/"), http, 0);
        byte[] body = instance.nextSnapshotBody();
        String signature = instance.identity().sign(body);
        VerificationKey key = PublicKeys.parseVerificationKey(instance.identity().publicKeyHex()).orElseThrow();
        Ed25519Verifier verifier = new Ed25519Verifier();
        verifyFor(verifier, key, signature, body, VERIFY_WARMUP);
        long started = System.nanoTime();
        long verified = verifyFor(verifier, key, signature, body, VERIFY_MEASURE);
        return verified / seconds(Duration.ofNanos(System.nanoTime() - started));
    }

    private static long verifyFor(Ed25519Verifier verifier, VerificationKey key, String signature, byte[] body,
                                  Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        long verified = 0;
        while (System.nanoTime() < until) {
            // Checking the result keeps the JIT from dropping the call, and the benchmark honest.
            if (!verifier.verify(key, signature, body)) {
                throw new IllegalStateException("a valid signature did not verify");
            }
            verified++;
        }
        return verified;
    }

    private void print(Measured fullLoad, Measured paced, double verifications, Measured jdbc, Measured batched,
                       List<Double> roundShares,
                       String postgresSettings) {
        double share = fullLoad.acceptedPerSecond() / jdbc.acceptedPerSecond();
        Duration pacedP99 = paced.tally().percentile(99);
        int notAccepted = fullLoad.tally().otherCount() + paced.tally().otherCount();
        String line = "-".repeat(112);
        System.out.println();
        System.out.printf("SHM ingest benchmark: %d instances, %d workers; after %d s of warm-up, %d s of full load and %d s"
                        + " of JDBC only in %d alternating rounds; %d/s for %d s%n",
                options.instances(), options.concurrency(), options.warmup().toSeconds(), options.duration().toSeconds(),
                options.duration().toSeconds(), options.rounds(), options.rate(), options.pacedDuration().toSeconds());
        System.out.printf("Machine: %d cores, Java %s (%s), %s %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        System.out.println("PostgreSQL: " + postgresSettings);
        System.out.println(line);
        row("", "measured", "target", "");
        System.out.println(line);
        row("Accepted snapshots/s, full load", perSecond(fullLoad.acceptedPerSecond()),
                ">= " + perSecond(TARGET_THROUGHPUT), verdict(fullLoad.acceptedPerSecond() >= TARGET_THROUGHPUT));
        row("Latency p50 / p95 / p99, full load", percentiles(fullLoad.tally()), "", "");
        row(String.format("Latency p50 / p95 / p99 at %d/s (accepted %s)", options.rate(), perSecond(paced.acceptedPerSecond())),
                percentiles(paced.tally()), "p99 <= " + TARGET_P99_PACED.toMillis() + " ms",
                // Percentiles of the accepted ones say nothing of those that were not.
                verdict(paced.tally().otherCount() == 0 && pacedP99.compareTo(TARGET_P99_PACED) <= 0));
        row("Ed25519 verifications/s, 1 core", perSecond(verifications), "", "");
        row("JDBC-only transactions/s, " + options.concurrency() + " connections", perSecond(jdbc.acceptedPerSecond()), "", "");
        row("Server / JDBC-only", String.format(Locale.ROOT, "%.0f %%", 100 * share),
                String.format(Locale.ROOT, ">= %.0f %%", 100 * TARGET_SHARE_OF_JDBC), verdict(share >= TARGET_SHARE_OF_JDBC));
        row("Server / JDBC-only, round by round", roundShares.stream()
                .map(round -> String.format(Locale.ROOT, "%.0f %%", 100 * round)).collect(Collectors.joining(", ")), "", "");
        row(String.format(Locale.ROOT, "JDBC batched snapshots/s, %d x %d per commit", BATCH_WRITERS,
                Math.max(1, options.concurrency() / BATCH_WRITERS)), perSecond(batched.acceptedPerSecond()), "", "");
        row("Server / JDBC batched", String.format(Locale.ROOT, "%.0f %%",
                100 * fullLoad.acceptedPerSecond() / batched.acceptedPerSecond()), "", "");
        double cpuPerSnapshot = fullLoad.acceptedPerSecond() == 0 ? Double.NaN
                : 1000 * (fullLoad.cores().getOrDefault("server", 0.0) + fullLoad.cores().getOrDefault("PostgreSQL", 0.0))
                        / fullLoad.acceptedPerSecond();
        row("CPU per snapshot, server + PostgreSQL, full load", String.format(Locale.ROOT, "%.2f ms", cpuPerSnapshot),
                String.format(Locale.ROOT, "<= %.1f ms", TARGET_CPU_MILLIS_PER_SNAPSHOT),
                verdict(cpuPerSnapshot <= TARGET_CPU_MILLIS_PER_SNAPSHOT));
        row("Snapshots not accepted (full load + paced)", Integer.toString(notAccepted), "0", verdict(notAccepted == 0));
        System.out.println(line);
        System.out.println("CPU, full load:  " + cores(fullLoad));
        System.out.println("CPU, JDBC only:  " + cores(jdbc));
        System.out.println("CPU, JDBC batched: " + cores(batched));
        System.out.println("Bound, full load: " + bound(fullLoad));
        System.out.println("Bound, JDBC only: " + bound(jdbc));
        System.out.println("Bound, JDBC batched: " + bound(batched));
        details("full load", fullLoad.tally());
        details("paced", paced.tally());
        details("JDBC only", jdbc.tally());
        details("JDBC batched", batched.tally());
    }

    /** Each round's server throughput over the JDBC-only throughput of the same round. */
    private static List<Double> roundShares(List<Measured> serverRounds, List<Measured> jdbcRounds) {
        List<Double> shares = new ArrayList<>();
        for (int round = 0; round < serverRounds.size(); round++) {
            shares.add(serverRounds.get(round).acceptedPerSecond() / jdbcRounds.get(round).acceptedPerSecond());
        }
        return shares;
    }

    private static void row(String what, String measured, String target, String verdict) {
        System.out.printf("%-52s %-30s %-20s %s%n", what, measured, target, verdict);
    }

    private static String verdict(boolean pass) {
        return pass ? "PASS" : "MISS";
    }

    private static String perSecond(double rate) {
        return String.format(Locale.ROOT, "%,.0f/s", rate);
    }

    private static String percentiles(Tally tally) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms",
                millis(tally.percentile(50)), millis(tally.percentile(95)), millis(tally.percentile(99)));
    }

    /** Cores used, and CPU time per accepted snapshot: what projects the throughput to another machine. */
    private static String cores(Measured measured) {
        double perSecond = measured.acceptedPerSecond();
        return measured.cores().entrySet().stream()
                .map(part -> part.getKey().equals(CpuMeter.OTHERS) || perSecond == 0
                        ? String.format(Locale.ROOT, "%s %.2f cores", part.getKey(), part.getValue())
                        : String.format(Locale.ROOT, "%s %.2f cores (%.2f ms per snapshot)", part.getKey(),
                                part.getValue(), 1000 * part.getValue() / perSecond))
                .collect(Collectors.joining(", "));
    }

    /**
     * The CPU all measured parts spent per accepted snapshot, and the throughput at which that would
     * fill every core of the machine: when the measured rate comes close, the machine is the bound,
     * and only less CPU per snapshot (in whichever part) raises it.
     */
    private static String bound(Measured measured) {
        double perSecond = measured.acceptedPerSecond();
        double cores = measured.cores().entrySet().stream()
                .filter(part -> !part.getKey().equals(CpuMeter.OTHERS))
                .mapToDouble(Map.Entry::getValue).sum();
        if (perSecond == 0 || cores == 0) {
            return "nothing accepted";
        }
        double msPerSnapshot = 1000 * cores / perSecond;
        int processors = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "%.2f ms of CPU per snapshot in all parts: %d cores would run at most %s",
                msPerSnapshot, processors, perSecond(1000 * processors / msPerSnapshot));
    }

    private static void details(String phase, Tally tally) {
        if (tally.otherCount() > 0) {
            System.out.println("Not accepted, " + phase + ": " + tally.others().entrySet().stream()
                    .map(outcome -> outcome.getKey() + ": " + outcome.getValue())
                    .collect(Collectors.joining(", ")));
        }
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Progress on the console: the benchmark is a command-line tool, and this is its output. */
    static void say(String message) {
        System.out.println(LocalTime.now().format(TIME) + " [benchmark] " + message);
        System.out.flush();
    }

    /** The benchmark's settings: {@code name=value} arguments first, then system properties, then defaults. */
    record Options(int instances, int concurrency, Duration warmup, Duration duration, int rounds, int rate,
                   Duration pacedDuration) {

        private static final Set<String> NAMES =
                Set.of("instances", "concurrency", "warmup", "seconds", "rounds", "rate", "paced-seconds");

        static Options parse(String[] args) {
            Map<String, String> given = new HashMap<>();
            for (String arg : args) {
                String[] nameAndValue = arg.replaceFirst("^--", "").split("=", 2);
                if (nameAndValue.length != 2 || !NAMES.contains(nameAndValue[0])) {
                    throw new IllegalArgumentException("'" + arg + "': expected name=value, with a name among " + NAMES);
                }
                given.put(nameAndValue[0], nameAndValue[1]);
            }
            Options options = new Options(
                    positive(given, "instances", 200),
                    positive(given, "concurrency", 32),
                    // On two cores shared with PostgreSQL and the load generator, the JIT compiles the server's
                    // hot paths for three to four minutes under load; throughput doubles meanwhile (see Progress).
                    // The measurement is of the server as it runs for days, not of its compiler.
                    Duration.ofSeconds(positive(given, "warmup", 240)),
                    // Measured time of each of the two phases, cut into rounds that alternate them: the machine's
                    // speed drifts by tens of percent over minutes, and the ratio of the two must not drift with it.
                    Duration.ofSeconds(positive(given, "seconds", 30)),
                    positive(given, "rounds", 3),
                    positive(given, "rate", 300),
                    Duration.ofSeconds(positive(given, "paced-seconds", 15)));
            if (options.instances() < options.concurrency()) {
                throw new IllegalArgumentException("instances must be at least concurrency: each worker has instances of its own");
            }
            if (options.duration().dividedBy(options.rounds()).toSeconds() < 1) {
                throw new IllegalArgumentException("seconds must be at least rounds: each round measures a second or more");
            }
            return options;
        }

        private static int positive(Map<String, String> given, String name, int fallback) {
            String value = given.getOrDefault(name, System.getProperty(name));
            if (value == null) {
                return fallback;
            }
            try {
                int number = Integer.parseInt(value.trim());
                if (number > 0) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // Reported below, like zero and negative numbers.
            }
            throw new IllegalArgumentException(name + " must be a positive whole number, not '" + value + "'");
        }
    }
}
