package io.shm.benchmark;

import io.shm.testing.LocalMachine;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code java -jar target/shm.jar} costs a small host, measured as a user runs it (embedded
 * PostgreSQL, nothing configured but a data folder and a port): the time from the command to a
 * {@code /health/ready} that answers 200, on a restart over an existing data folder; the memory of
 * every process it started, PostgreSQL included, as PSS (proportional set size: a page shared by
 * several processes counts once in their sum), idle and after a minute of ingest; and that minute's
 * throughput. Prints each figure against its target. The machine may be shared: the restarts are
 * repeated and their medians printed with the spread.
 *
 * <p>Options: {@code -Drestarts=3 -Didle-seconds=20 -Dload-seconds=60 -Dinstances=200 -Dconcurrency=32};
 * {@code -Dfootprint.target=DIR} measures another build's distribution (shm.jar with its lib/).
 */
public final class FootprintBenchmark {

    private static final double BOOT_TARGET_SECONDS = 15;
    private static final long IDLE_TARGET_MIB = 512;
    private static final long LOADED_TARGET_MIB = 768;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    private final Path target;
    private final Path dataDir;
    private final int port;
    private final int restarts = Integer.getInteger("restarts", 3);
    private final Duration idle = Duration.ofSeconds(Integer.getInteger("idle-seconds", 20));
    private final Duration load = Duration.ofSeconds(Integer.getInteger("load-seconds", 60));
    private final int instances = Integer.getInteger("instances", 200);
    private final int concurrency = Integer.getInteger("concurrency", 32);

    private FootprintBenchmark(Path target) throws IOException {
        this.target = target;
        this.dataDir = target.resolve("footprint-data");
        this.port = LocalMachine.freePort();
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(System.getProperty("footprint.target", System.getProperty("shm.benchmark.target", "target"))).toAbsolutePath().normalize();
        new FootprintBenchmark(target).run();
        System.exit(0);
    }

    private void run() throws Exception {
        LocalMachine.deleteRecursively(dataDir);
        System.out.printf("Footprint of %s (data in %s, port %d)%n", target.resolve("shm.jar"), dataDir, port);
        try (Launched first = Launched.start(this)) {
            System.out.printf("first start (new data folder): healthy after %.1f s%n", first.readySeconds);
            first.stop();
        }
        List<Double> boots = new ArrayList<>();
        List<Long> idlePss = new ArrayList<>();
        long loadedPss = 0;
        double throughput = 0;
        for (int run = 1; run <= restarts; run++) {
            try (Launched server = Launched.start(this)) {
                boots.add(server.readySeconds);
                TimeUnit.MILLISECONDS.sleep(idle.toMillis());
                long pss = server.pssMiB();
                idlePss.add(pss);
                System.out.printf("restart %d: healthy after %.1f s; PSS %d MiB after %d s idle (%d processes)%n",
                        run, server.readySeconds, pss, idle.toSeconds(), server.processCount());
                if (run == restarts) {
                    throughput = ingest(server);
                    loadedPss = server.pssMiB();
                    System.out.printf("after %d s of ingest: PSS %d MiB%n", load.toSeconds(), loadedPss);
                }
                server.stop();
            }
        }
        double boot = median(boots);
        long idleMedian = Math.round(median(idlePss.stream().map(Long::doubleValue).toList()));
        System.out.println();
        System.out.printf("boot to healthy (restart), median of %d: %.1f s (%.1f-%.1f)   target <= %.0f s  %s%n",
                boots.size(), boot, Collections.min(boots), Collections.max(boots), BOOT_TARGET_SECONDS,
                boot <= BOOT_TARGET_SECONDS ? "OK" : "MISS");
        System.out.printf("PSS idle, median of %d: %d MiB (%d-%d)   target <= %d MiB  %s%n", idlePss.size(), idleMedian,
                Collections.min(idlePss), Collections.max(idlePss), IDLE_TARGET_MIB, idleMedian <= IDLE_TARGET_MIB ? "OK" : "MISS");
        System.out.printf("PSS after %d s of ingest: %d MiB   target <= %d MiB  %s%n", load.toSeconds(), loadedPss,
                LOADED_TARGET_MIB, loadedPss <= LOADED_TARGET_MIB ? "OK" : "MISS");
        System.out.printf("ingest over those %d s (cold JIT, %d workers, %d instances): %.0f snapshots/s%n",
                load.toSeconds(), concurrency, instances, throughput);
        LocalMachine.deleteRecursively(dataDir);
    }

    /** Closed loop, as the ingest benchmark's full-load phase: each worker sends as fast as it is answered. */
    private double ingest(Launched server) throws Exception {
        URI base = URI.create("http://localhost:" + port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Callable<SimulatedInstance>> registrations = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                int number = i;
                registrations.add(() -> SimulatedInstance.registered(base, http, number));
            }
            List<SimulatedInstance> fleet = new ArrayList<>();
            for (Future<SimulatedInstance> registered : workers.invokeAll(registrations)) {
                fleet.add(registered.get());
            }
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            long started = System.nanoTime();
            long until = started + load.toNanos();
            List<Future<?>> running = new ArrayList<>();
            for (int worker = 0; worker < concurrency; worker++) {
                List<SimulatedInstance> share = new ArrayList<>();
                for (int i = worker; i < fleet.size(); i += concurrency) {
                    share.add(fleet.get(i));
                }
                running.add(workers.submit(() -> {
                    try (KeepAliveConnection connection = new KeepAliveConnection(base)) {
                        for (int i = 0; System.nanoTime() < until && !share.isEmpty(); i = (i + 1) % share.size()) {
                            if (share.get(i).sendSnapshot(connection) == 202) {
                                accepted.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (refused.get() > 0) {
                System.out.printf("  %d snapshots not accepted%n", refused.get());
            }
            return accepted.get() / seconds;
        } finally {
            workers.shutdownNow();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One {@code java -jar shm.jar}, its output in target/footprint-server.log. */
    private static final class Launched implements AutoCloseable {
        private final Process process;
        private final double readySeconds;
        private final Path dataDir;
        private final Thread hook = new Thread(this::close, "footprint-stop");

        private Launched(Process process, double readySeconds, Path dataDir) {
            this.process = process;
            this.readySeconds = readySeconds;
            this.dataDir = dataDir;
            Runtime.getRuntime().addShutdownHook(hook);
        }

        static Launched start(FootprintBenchmark benchmark) throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", benchmark.target.resolve("shm.jar").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(benchmark.target.resolve("footprint-server.log").toFile()));
            builder.environment().remove("SHM_DB_URL");
            builder.environment().put("SHM_DATA_DIR", benchmark.dataDir.toString());
            builder.environment().put("SHM_PORT", Integer.toString(benchmark.port));
            builder.environment().put("SHM_RATELIMIT_ENABLED", "false");
            long started = System.nanoTime();
            Process process = builder.start();
            URL ready = new URL("http://localhost:" + benchmark.port + "/health/ready");
            long deadline = started + READY_TIMEOUT.toNanos();
            while (!answers200(ready)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new IllegalStateException("the server did not become ready; see target/footprint-server.log");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return new Launched(process, (System.nanoTime() - started) / 1e9, benchmark.dataDir);
        }

        private static boolean answers200(URL url) {
            try {
                HttpURLConnection connection = (HttpURLConnection) url.openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(5000);
                try {
                    return connection.getResponseCode() == 200;
                } finally {
                    connection.disconnect();
                }
            } catch (IOException notYet) {
                return false;
            }
        }

        long pssMiB() {
            return tree().map(Launched::pssKib).sum() / 1024;
        }

        long processCount() {
            return tree().count();
        }

        /**
         * The launcher's processes, and PostgreSQL's: pg_ctl starts the postmaster in the background and
         * exits, so the postmaster and its workers are no descendants of the launcher; postmaster.pid names it.
         */
        private java.util.stream.LongStream tree() {
            java.util.Set<Long> pids = new java.util.TreeSet<>();
            pids.add(process.pid());
            process.descendants().forEach(child -> pids.add(child.pid()));
            try {
                long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
                ProcessHandle.of(postmaster).ifPresent(handle -> {
                    pids.add(handle.pid());
                    handle.descendants().forEach(child -> pids.add(child.pid()));
                });
            } catch (IOException | RuntimeException notRunning) {
                // no embedded PostgreSQL (or not yet)
            }
            return pids.stream().mapToLong(Long::longValue);
        }

        private static long pssKib(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended meanwhile
            }
            return 0;
        }

        /** SIGTERM, as a service manager stops it, and wait for every process to end. */
        void stop() throws InterruptedException {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not stop within 60 s of SIGTERM");
            }
            for (ProcessHandle child : tree) {
                child.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            }
        }

        @Override
        public void close() {
            if (Thread.currentThread() != hook) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            if (process.isAlive()) {
                // SIGTERM first: the launcher stops PostgreSQL, which is no child of it.
                process.destroy();
                try {
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
