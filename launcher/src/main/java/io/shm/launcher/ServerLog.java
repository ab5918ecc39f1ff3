package io.shm.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import java.util.zip.ZipFile;

/**
 * The logging configuration of the one JVM: Payara Micro's own logger levels (read from its jar, so
 * they follow its version), with two handlers instead of its console one: the full log to
 * {@code SHM_DATA_DIR/logs/server.0.log}, rotated at {@value #ROTATE_BYTES} bytes with
 * {@value #KEEP_FILES} files kept, and {@link ConsoleLog}. Given to Payara Micro as its
 * {@code --logproperties}, and applied by the launcher before that, so its own lines land in the file
 * too. An operator's own {@code --logproperties} (the JSON format of server-config) replaces it.
 */
final class ServerLog {

    static final long ROTATE_BYTES = 10L * 1024 * 1024;
    static final int KEEP_FILES = 5;
    static final String FILE_NAME = "server.%g.log";

    private ServerLog() {
    }

    /** Writes the configuration into the log folder, applies it to this JVM, and answers its path. */
    static Path configure(Path logDirectory, Path payaraMicroJar, boolean debug) throws IOException {
        Files.createDirectories(logDirectory);
        StringBuilder properties = new StringBuilder()
                .append("# Written by the SHM launcher at each start; edit SHM_LOG_LEVEL, not this file.\n")
                .append("handlers=java.util.logging.FileHandler, ").append(ConsoleLog.class.getName()).append('\n')
                .append("java.util.logging.FileHandler.pattern=")
                .append(escape(logDirectory.resolve(FILE_NAME).toString())).append('\n')
                .append("java.util.logging.FileHandler.limit=").append(ROTATE_BYTES).append('\n')
                .append("java.util.logging.FileHandler.count=").append(KEEP_FILES).append('\n')
                .append("java.util.logging.FileHandler.append=true\n")
                .append("java.util.logging.FileHandler.level=ALL\n")
                .append("java.util.logging.FileHandler.encoding=UTF-8\n")
                .append("java.util.logging.FileHandler.formatter=").append(ServerLogFormatter.class.getName()).append('\n');
        for (String line : payaraDefaults(payaraMicroJar).split("\\R")) {
            String trimmed = line.trim();
            // Payara's own handlers are replaced by ours; its logger levels stay.
            if (trimmed.startsWith("handlers") || trimmed.startsWith("java.util.logging.ConsoleHandler")
                    || trimmed.startsWith("com.sun.enterprise.server.logging.ODLLogFormatter")) {
                continue;
            }
            properties.append(line).append('\n');
        }
        if (debug) {
            properties.append("io.shm.level=FINE\n");
        }
        Path file = logDirectory.resolve("logging.properties");
        byte[] bytes = properties.toString().getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, bytes);
        System.setProperty(ConsoleLog.DEBUG_PROPERTY, Boolean.toString(debug));
        LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(bytes));
        Console.logging = true;
        return file;
    }

    private static String payaraDefaults(Path payaraMicroJar) throws IOException {
        try (ZipFile jar = new ZipFile(payaraMicroJar.toFile());
             InputStream in = jar.getInputStream(jar.getEntry("MICRO-INF/domain/logging.properties"))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (NullPointerException missing) {
            return ".level=INFO\n";
        }
    }

    /** A properties value: backslashes (Windows paths) doubled. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
