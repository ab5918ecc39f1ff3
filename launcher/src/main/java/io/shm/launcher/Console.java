package io.shm.launcher;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The console a person reads: the launcher's own lines, and what {@link ConsoleLog} lets through of
 * the server's log. Written to the process's standard output as it was when the JVM started, not to
 * {@code System.out}, which a platform may redirect into its log (and then back to the console).
 * Each line also goes to the server log file, through java.util.logging, when that is configured.
 */
final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    /** The launcher's records in the log file; {@link ConsoleLog} does not print them again. */
    static final String LOGGER = "io.shm.launcher";
    /** Set once the server log is configured: before, java.util.logging would print each line again on stderr. */
    static volatile boolean logging;

    private Console() {
    }

    static void say(String message) {
        print(message);
        if (logging) {
            Logger.getLogger(LOGGER).info(message);
        }
    }

    /** One line saying why the launcher stops, on the console and in the log. */
    static void fail(String reason) {
        fail(reason, null);
    }

    /** As {@link #fail(String)}, with the stack trace in the log file only. */
    static void fail(String reason, Throwable cause) {
        print("ERROR: " + reason);
        if (logging) {
            Logger.getLogger(LOGGER).log(Level.SEVERE, reason, cause);
        }
    }

    /**
     * A stream whose lines go to the log file only (as records of {@code logger}), each once it ends (or
     * on {@code flush}): for what a platform prints on {@code System.out} once it no longer captures it,
     * while it stops.
     */
    static PrintStream logOnly(String logger) {
        Logger target = Logger.getLogger(logger);
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    flushLine();
                } else if (b != '\r') {
                    line.write(b);
                }
            }

            @Override
            public synchronized void flush() {
                flushLine();
            }

            private void flushLine() {
                if (line.size() > 0) {
                    target.info(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                }
            }
        }, false, StandardCharsets.UTF_8);
    }

    static synchronized void print(String message) {
        OUT.println(LocalTime.now().format(TIME) + " [shm] " + message);
        OUT.flush();
    }
}
