package io.shm.launcher;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the launcher reads from the environment. The server itself reads its settings through
 * MicroProfile Config, which sees the same environment variables.
 */
record Settings(String databaseUrl, Path dataDirectory, int httpPort, int embeddedDatabasePort,
                List<String> javaOptions, List<String> payaraOptions, boolean clustered, String clusterMembers) {

    static final String EMBEDDED_DATABASE = "shm";
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_JAVA_OPTIONS = "-Xms128m -Xmx1g -XX:+UseG1GC";

    static Settings fromEnvironment(Map<String, String> env) {
        String databaseUrl = blankToNull(env.get("SHM_DB_URL"));
        String dataDir = blankToNull(env.get("SHM_DATA_DIR"));
        Path dataDirectory = dataDir != null
                ? Path.of(dataDir)
                : Path.of(System.getProperty("user.home"), ".shm", "data");
        return new Settings(
                databaseUrl,
                dataDirectory.toAbsolutePath(),
                port(env, "SHM_PORT", DEFAULT_PORT),
                port(env, "SHM_EMBEDDED_DB_PORT", 0),
                words(env.getOrDefault("SHM_JAVA_OPTS", DEFAULT_JAVA_OPTIONS)),
                words(env.getOrDefault("SHM_PAYARA_OPTS", "")),
                "true".equalsIgnoreCase(String.valueOf(env.get("SHM_CLUSTER_ENABLED")).trim()),
                blankToNull(env.get("SHM_CLUSTER_MEMBERS")));
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

    private static List<String> words(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
