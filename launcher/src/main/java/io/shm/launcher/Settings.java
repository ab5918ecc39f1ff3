package io.shm.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the launcher reads from the environment. The server itself reads its settings through
 * MicroProfile Config, which sees the same environment variables (the original SHM server's
 * {@code SHM_DB_DSN} included: the server translates it). {@code notices} are lines for the log
 * saying which of two forms of a setting was used.
 */
record Settings(String databaseUrl, String databaseUser, String databasePassword, Path dataDirectory, int httpPort,
                int embeddedDatabasePort, List<String> javaOptions, List<String> payaraOptions, boolean clustered,
                String clusterMembers, boolean debugLog, List<String> notices) {

    static final String EMBEDDED_DATABASE = "shm";
    static final int DEFAULT_PORT = 8080;
    /**
     * Sized for a small host and measured with the footprint benchmark (see README): the serial collector
     * and a bounded heap keep the resident memory near what the server uses (G1 commits regions ahead
     * of need and keeps them), bounded metaspace and code cache, small thread stacks for Payara's many
     * threads. Exit on OutOfMemoryError, so that a service manager restarts a clean process.
     */
    static final String DEFAULT_JAVA_OPTIONS = "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:MaxMetaspaceSize=256m"
            + " -XX:ReservedCodeCacheSize=96m -Xss512k -XX:+ExitOnOutOfMemoryError";

    static Settings fromEnvironment(Map<String, String> env) {
        List<String> notices = new ArrayList<>();
        // A database named in the original server's form is external too: no embedded PostgreSQL.
        String databaseUrl = blankToNull(env.get("SHM_DB_URL"));
        if (databaseUrl == null) {
            databaseUrl = blankToNull(env.get("SHM_DB_DSN"));
        }
        String portVariable = "SHM_PORT";
        if (blankToNull(env.get("SHM_PORT")) == null && blankToNull(env.get("PORT")) != null) {
            portVariable = "PORT";
            notices.add("PORT is used as the HTTP port (SHM_PORT is unset)");
        } else if (blankToNull(env.get("SHM_PORT")) != null && blankToNull(env.get("PORT")) != null) {
            notices.add("SHM_PORT is set: it is used, and PORT ignored");
        }
        String dataDir = blankToNull(env.get("SHM_DATA_DIR"));
        Path dataDirectory = dataDir != null
                ? Path.of(dataDir)
                : Path.of(System.getProperty("user.home"), ".shm", "data");
        String logLevel = env.getOrDefault("SHM_LOG_LEVEL", "info").trim().toLowerCase(Locale.ROOT);
        if (!List.of("info", "debug", "").contains(logLevel)) {
            throw new IllegalArgumentException("SHM_LOG_LEVEL must be info or debug, not '" + logLevel + "'");
        }
        return new Settings(
                databaseUrl,
                env.getOrDefault("SHM_DB_USER", "shm"),
                env.getOrDefault("SHM_DB_PASSWORD", "shm"),
                dataDirectory.toAbsolutePath(),
                port(env, portVariable, DEFAULT_PORT),
                port(env, "SHM_EMBEDDED_DB_PORT", 0),
                words(env.getOrDefault("SHM_JAVA_OPTS", DEFAULT_JAVA_OPTIONS)),
                words(env.getOrDefault("SHM_PAYARA_OPTS", "")),
                "true".equalsIgnoreCase(String.valueOf(env.get("SHM_CLUSTER_ENABLED")).trim()),
                blankToNull(env.get("SHM_CLUSTER_MEMBERS")),
                "debug".equals(logLevel),
                List.copyOf(notices));
    }

    /** Where the full server log is written, with its rotated predecessors. */
    Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    /** The embedded PostgreSQL's data folder. */
    Path postgresDirectory() {
        return dataDirectory.resolve("postgres");
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number (0-65535), not '" + value + "'");
        }
    }

    static List<String> words(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
