package io.shm.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CPU each part of the system used during a measurement, in cores: whichever of the server,
 * PostgreSQL and the load generator is busiest bounds the throughput on a machine they share. Where
 * the kernel publishes {@code /proc/stat}, the meter also tells how much of the machine other work
 * took, which the benchmark cannot control.
 */
final class CpuMeter {

    static final String OTHERS = "rest of the machine";

    private static final Path PROC_STAT = Path.of("/proc/stat");

    /**
     * Some processes, named. With descendants, the processes are those of the moment the meter
     * starts: PostgreSQL's backends come and go with its connections, so start after the warm-up.
     */
    record Part(String name, ProcessHandle root, boolean withDescendants) {

        /** A process and those it started: the launcher and Payara Micro, the postmaster and its backends. */
        static Part tree(String name, ProcessHandle root) {
            return new Part(name, root, true);
        }

        /** One process alone: the benchmark's JVM is the parent of the server's. */
        static Part alone(String name, ProcessHandle process) {
            return new Part(name, process, false);
        }

        List<ProcessHandle> processes() {
            return withDescendants ? Stream.concat(Stream.of(root), root.descendants()).toList() : List.of(root);
        }
    }

    private final Map<String, List<ProcessHandle>> parts = new LinkedHashMap<>();
    private final Map<ProcessHandle, Duration> cpuAtStart = new HashMap<>();
    private long startNanos;
    private Optional<long[]> machineAtStart;

    private CpuMeter() {
    }

    static CpuMeter start(List<Part> parts) {
        CpuMeter meter = new CpuMeter();
        for (Part part : parts) {
            List<ProcessHandle> processes = part.processes();
            meter.parts.put(part.name(), processes);
            processes.forEach(process -> meter.cpuAtStart.put(process, cpuOf(process).orElse(Duration.ZERO)));
        }
        meter.machineAtStart = machineTicks();
        meter.startNanos = System.nanoTime();
        return meter;
    }

    /** Cores used by each part since the start, then by everything else on the machine if known. */
    Map<String, Double> stop() {
        double elapsedNanos = System.nanoTime() - startNanos;
        Optional<long[]> machineAtStop = machineTicks();
        Map<String, Double> cores = new LinkedHashMap<>();
        parts.forEach((name, processes) -> cores.put(name, processes.stream()
                // A process that ended meanwhile no longer tells its CPU time: it counts for nothing.
                .mapToLong(process -> cpuOf(process).map(cpu -> cpu.minus(cpuAtStart.get(process)).toNanos()).orElse(0L))
                .sum() / elapsedNanos));
        if (machineAtStart.isPresent() && machineAtStop.isPresent()) {
            long[] before = machineAtStart.get();
            long[] after = machineAtStop.get();
            double busy = (after[0] - before[0]) / (double) Math.max(1, after[1] - before[1])
                    * Runtime.getRuntime().availableProcessors();
            double ours = cores.values().stream().mapToDouble(Double::doubleValue).sum();
            cores.put(OTHERS, Math.max(0, busy - ours));
        }
        return cores;
    }

    private static Optional<Duration> cpuOf(ProcessHandle process) {
        return process.isAlive() ? process.info().totalCpuDuration() : Optional.empty();
    }

    /** Busy and total clock ticks of all CPUs since boot, from the first line of /proc/stat. */
    private static Optional<long[]> machineTicks() {
        try {
            String[] fields = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long[] ticks = Arrays.stream(fields, 1, Math.min(fields.length, 9)).mapToLong(Long::parseLong).toArray();
            long total = Arrays.stream(ticks).sum();
            // user nice system idle iowait irq softirq steal: idle and iowait are the not-busy ones.
            long busy = total - ticks[3] - ticks[4];
            return Optional.of(new long[] {busy, total});
        } catch (IOException | RuntimeException notLinux) {
            return Optional.empty();
        }
    }
}
