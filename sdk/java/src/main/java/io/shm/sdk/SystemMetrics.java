package io.shm.sdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The keys the SDK adds on its own, named like the Node.js and Go SDKs' ({@code sys_*} describe
 * the machine, {@code app_*} the running process), with values in the Go SDK's vocabulary
 * ({@code linux}, {@code amd64}) so that a fleet mixing SDKs groups well.
 */
final class SystemMetrics {

    private static final long MB = 1024 * 1024;

    private SystemMetrics() {
    }

    /**
     * @param deploymentMode the mode the host gave, or null to guess it
     * @param withProcess    whether to add the {@code app_*} keys of this JVM
     */
    static Map<String, Object> collect(String deploymentMode, boolean withProcess, Function<String, String> env,
                                       Predicate<Path> exists, Instant startedAt) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("sys_os", os());
        metrics.put("sys_arch", arch());
        metrics.put("sys_cpu_cores", Runtime.getRuntime().availableProcessors());
        metrics.put("sys_java_version", System.getProperty("java.version", ""));
        metrics.put("sys_java_vendor", System.getProperty("java.vendor", ""));
        metrics.put("sys_mode", deploymentMode != null ? deploymentMode : detectDeploymentMode(env, exists));
        if (withProcess) {
            Runtime runtime = Runtime.getRuntime();
            metrics.put("app_mem_heap_mb", (runtime.totalMemory() - runtime.freeMemory()) / MB);
            metrics.put("app_mem_heap_max_mb", runtime.maxMemory() == Long.MAX_VALUE ? null : runtime.maxMemory() / MB);
            metrics.put("app_uptime_h", Duration.between(startedAt, Instant.now()).toHours());
        }
        return metrics;
    }

    /** When this JVM started, or now when the platform does not tell. */
    static Instant processStart() {
        return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    }

    /** {@code linux}, {@code darwin}, {@code windows}, or the JVM's name for others, lower case. */
    static String os() {
        String name = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) {
            return "linux";
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "darwin";
        }
        if (name.startsWith("windows")) {
            return "windows";
        }
        return name.replace(' ', '-');
    }

    /** {@code amd64}, {@code arm64}, {@code 386}, or the JVM's name for others. */
    static String arch() {
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            default -> arch;
        };
    }

    /**
     * {@code kubernetes}, {@code docker}, {@code podman} or {@code standalone}, from the markers
     * those runtimes leave: Kubernetes' service variables or service-account folder, Docker's
     * {@code /.dockerenv}, Podman's {@code /run/.containerenv}, a container runtime in the cgroup.
     */
    static String detectDeploymentMode(Function<String, String> env, Predicate<Path> exists) {
        String kubernetes = env.apply("KUBERNETES_SERVICE_HOST");
        if ((kubernetes != null && !kubernetes.isBlank())
                || exists.test(Path.of("/var/run/secrets/kubernetes.io/serviceaccount"))) {
            return "kubernetes";
        }
        if (exists.test(Path.of("/.dockerenv"))) {
            return "docker";
        }
        if (exists.test(Path.of("/run/.containerenv"))) {
            return "podman";
        }
        if (containerCgroup()) {
            return "docker";
        }
        return "standalone";
    }

    private static boolean containerCgroup() {
        try {
            Path cgroup = Path.of("/proc/self/cgroup");
            if (!Files.isReadable(cgroup)) {
                return false;
            }
            String content = Files.readString(cgroup);
            return content.contains("docker") || content.contains("containerd") || content.contains("lxc");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
