package io.shm.benchmark;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fleet restarting at once, as after a mass upgrade: {@code -Dinstances=20000} new instances each
 * register, activate and send a first snapshot, their starts spread evenly over {@code -Dspread-seconds=120},
 * each from a client address of its own (198.18.0.0/15, the benchmarking range, in {@code X-Forwarded-For}
 * through the loopback proxy the server is told to trust), with the server's default rate limits. An
 * answer 429 is obeyed as an SDK would: the same step again after its {@code Retry-After}.
 *
 * <p>Prints how many instances went through at the first try, the 429s per step (and whether each had a
 * {@code Retry-After}), how long until every instance had reported, the latency of each step, and every
 * answer of any other kind (the target: none). Workers: {@code -Dconcurrency=64}, each on a keep-alive
 * connection of its own.
 */
public final class StormBenchmark {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final String APP_NAME = "Storm App";
    /** A step whose answer is neither success nor 429 is tried again after this, and counted as an error. */
    private static final Duration ERROR_RETRY = Duration.ofSeconds(1);
    /** Only to build and sign bodies: the requests go over the workers' keep-alive connections. */
    private static final HttpClient UNUSED_HTTP = HttpClient.newBuilder().build();
    private static final URI UNUSED_URI = URI.create("http://localhost");

    enum Step {
        REGISTER("/v1/register", 201), ACTIVATE("/v1/activate", 200), SNAPSHOT("/v1/snapshot", 202);

        final String path;
        final int success;

        Step(String path, int success) {
            this.path = path;
            this.success = success;
        }
    }

    /** One instance's next step, due at a time. */
    private static final class Task implements Delayed {
        final int number;
        final ShmClient client;
        final String address;
        Step step = Step.REGISTER;
        long dueNanos;
        boolean refusedOnce;

        Task(int number, long dueNanos) {
            this.number = number;
            this.client = new ShmClient(UNUSED_URI, InstanceIdentity.generate(), UNUSED_HTTP);
            // 198.18.0.0/15: 131,072 addresses set aside for benchmarks (RFC 2544).
            this.address = "198." + (18 + (number >> 16)) + "." + ((number >> 8) & 0xff) + "." + (number & 0xff);
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Task) other).dueNanos);
        }
    }

    private final int instances;
    private final Duration spread;
    private final int concurrency;
    private final DelayQueue<Task> due = new DelayQueue<>();
    private final CountDownLatch reported;
    private final Map<Step, LongAdder> refused = new ConcurrentHashMap<>();
    private final LongAdder refusedWithoutRetryAfter = new LongAdder();
    private final LongAdder firstTry = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<Step, Tally> latencies = new ConcurrentHashMap<>();
    private final AtomicLong lastReportNanos = new AtomicLong();
    private final AtomicInteger started = new AtomicInteger();

    private StormBenchmark(int instances, Duration spread, int concurrency) {
        this.instances = instances;
        this.spread = spread;
        this.concurrency = concurrency;
        this.reported = new CountDownLatch(instances);
        for (Step step : Step.values()) {
            refused.put(step, new LongAdder());
            latencies.put(step, new Tally());
        }
    }

    public static void main(String[] args) throws Exception {
        int instances = Integer.getInteger("instances", 20_000);
        int spreadSeconds = Integer.getInteger("spread-seconds", 120);
        int concurrency = Integer.getInteger("concurrency", 64);
        if (instances < 1 || instances > 131_072 || spreadSeconds < 1 || concurrency < 1) {
            throw new IllegalArgumentException("instances 1 to 131072 (one address each), spread-seconds and concurrency positive");
        }
        Path target = Path.of(System.getProperty("shm.benchmark.target", "target")).toAbsolutePath();
        new StormBenchmark(instances, Duration.ofSeconds(spreadSeconds), concurrency).run(target);
    }

    private void run(Path target) throws Exception {
        IngestBenchmark.say("Starting PostgreSQL and the server with its default rate limits (its log: "
                + target.resolve("benchmark-server.log") + ")");
        Map<String, String> environment = Map.of(
                "SHM_RATELIMIT_ENABLED", "true",
                // The load generator is the clients' reverse proxy: each request names its client.
                "SHM_TRUSTED_PROXIES", "127.0.0.1,::1");
        try (BenchmarkServer server = BenchmarkServer.start(target, environment)) {
            IngestBenchmark.say(String.format("Creating %,d identities", instances));
            long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            List<Task> tasks = new ArrayList<>(instances);
            for (int i = 0; i < instances; i++) {
                tasks.add(new Task(i, start + spread.toNanos() * i / instances));
            }
            IngestBenchmark.say(String.format("%,d instances start over %d s: register, activate, first snapshot;"
                    + " %d workers", instances, spread.toSeconds(), concurrency));
            due.addAll(tasks);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                Thread worker = new Thread(() -> work(server.baseUri()), "storm-worker-" + w);
                worker.setDaemon(true);
                worker.start();
                workers.add(worker);
            }
            Thread progress = new Thread(this::progress, "storm-progress");
            progress.setDaemon(true);
            progress.start();
            boolean all = reported.await(spread.toSeconds() + 600, TimeUnit.SECONDS);
            workers.forEach(Thread::interrupt);
            progress.interrupt();
            print(all, (lastReportNanos.get() - start) / 1e9);
        }
    }

    private void work(URI server) {
        try (KeepAliveConnection connection = new KeepAliveConnection(server)) {
            while (!Thread.currentThread().isInterrupted()) {
                Task task = due.take();
                if (task.step == Step.REGISTER && !task.refusedOnce) {
                    started.incrementAndGet();
                }
                send(connection, task);
            }
        } catch (InterruptedException done) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(KeepAliveConnection connection, Task task) {
        ShmClient client = task.client;
        byte[] body = switch (task.step) {
            case REGISTER -> client.registerBody(APP_NAME, "2.0." + task.number % 7, "docker", "production", "linux/amd64");
            case ACTIVATE -> client.activateBody();
            case SNAPSHOT -> client.snapshotBody(Instant.now().truncatedTo(ChronoUnit.MILLIS), JSON.createObjectBuilder()
                    .add("users", task.number % 100).add("uptime_seconds", 1).build());
        };
        Map<String, String> headers = task.step == Step.REGISTER ? ShmClient.jsonHeaders() : client.signedHeaders(body);
        headers.put("X-Forwarded-For", task.address);
        long sent = System.nanoTime();
        int status;
        try {
            status = connection.post(task.step.path, headers, body);
        } catch (IOException e) {
            error(task, e.getClass().getSimpleName());
            return;
        }
        long now = System.nanoTime();
        Tally tally = latencies.get(task.step);
        synchronized (tally) {
            tally.accepted(now - sent);
        }
        if (status == task.step.success) {
            if (task.step == Step.SNAPSHOT) {
                if (!task.refusedOnce) {
                    firstTry.increment();
                }
                lastReportNanos.accumulateAndGet(now, Math::max);
                reported.countDown();
                return;
            }
            task.step = Step.values()[task.step.ordinal() + 1];
            task.dueNanos = now;
            due.add(task);
        } else if (status == 429) {
            refused.get(task.step).increment();
            task.refusedOnce = true;
            long waitSeconds = retryAfterSeconds(connection.retryAfter());
            if (waitSeconds < 0) {
                refusedWithoutRetryAfter.increment();
                waitSeconds = 1;
            }
            task.dueNanos = now + TimeUnit.SECONDS.toNanos(waitSeconds);
            due.add(task);
        } else {
            error(task, task.step + " answered " + status);
        }
    }

    private void error(Task task, String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        task.refusedOnce = true;
        task.dueNanos = System.nanoTime() + ERROR_RETRY.toNanos();
        due.add(task);
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static long retryAfterSeconds(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void progress() {
        try {
            while (true) {
                TimeUnit.SECONDS.sleep(10);
                IngestBenchmark.say(String.format("  started %,d, reported %,d, 429s %,d, other errors %,d",
                        started.get(), instances - reported.getCount(),
                        refused.values().stream().mapToLong(LongAdder::sum).sum(),
                        errors.values().stream().mapToLong(LongAdder::sum).sum()));
            }
        } catch (InterruptedException done) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(boolean all, double untilAllSeconds) {
        long errorCount = errors.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.println();
        System.out.printf("SHM fleet-restart storm: %,d instances starting over %d s, each from its own address,"
                + " default rate limits, %d workers%n", instances, spread.toSeconds(), concurrency);
        System.out.println("-".repeat(100));
        System.out.printf("%-52s %,d of %,d%n", "Reported (register, activate, first snapshot)",
                instances - reported.getCount(), instances);
        System.out.printf("%-52s %,d%n", "Accepted at the first try (no 429, no error)", firstTry.sum());
        System.out.printf("%-52s register %,d, activate %,d, snapshot %,d%s%n", "Answered 429",
                refused.get(Step.REGISTER).sum(), refused.get(Step.ACTIVATE).sum(), refused.get(Step.SNAPSHOT).sum(),
                refusedWithoutRetryAfter.sum() == 0 ? " (each with Retry-After)"
                        : String.format(" (%,d without Retry-After)", refusedWithoutRetryAfter.sum()));
        System.out.printf("%-52s %s%n", "Until every instance had reported",
                all ? String.format("%.1f s after the first start (the starts span %d s)", untilAllSeconds,
                        spread.toSeconds()) : "not within the time allowed");
        for (Step step : Step.values()) {
            Tally tally = latencies.get(step);
            synchronized (tally) {
                System.out.printf("%-52s %s%n", "Latency p50 / p95 / p99, " + step.name().toLowerCase(Locale.ROOT),
                        tally.accepted() == 0 ? "none" : String.format("%.1f / %.1f / %.1f ms",
                                millis(tally.percentile(50)), millis(tally.percentile(95)), millis(tally.percentile(99))));
            }
        }
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((kind, count) -> sorted.put(kind, count.sum()));
        System.out.printf("%-52s %,d%s   target 0  %s%n", "Answers of any other kind", errorCount,
                sorted.isEmpty() ? "" : " " + sorted, errorCount == 0 && all ? "PASS" : "FAIL");
    }
}
