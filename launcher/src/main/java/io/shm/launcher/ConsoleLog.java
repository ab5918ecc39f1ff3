package io.shm.launcher;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The server log's console handler, named in the logging configuration the launcher gives Payara Micro
 * (see {@link ServerLog}): the full log goes to the file; the console gets what a person needs to
 * act on. By default that is the server's own warnings and errors (among them the box with the first
 * admin password) and any platform error; the platform's warnings and its hundreds of INFO lines per
 * boot stay in the file. With {@code SHM_LOG_LEVEL=debug} the console gets everything the file gets.
 *
 * <p>The platform's warnings of every boot, and why they stay in the file rather than being fixed:
 * <ul>
 *   <li>{@code AS-DEPLOYMENT-00015} (unsupported deployment descriptor element): Payara logs it without
 *       naming the element, for its own default descriptors as early as the boot, before the WAR;</li>
 *   <li>{@code NCLS-SECURITY-05054} (a certificate has expired): CA certificates of the truststore bundled
 *       in payara-micro.jar, which Payara checks at every start;</li>
 *   <li>the "JDBC driver forcibly unregistered" warning is about a driver the WAR's class loader registered,
 *       which Payara removes at undeploy: the PostgreSQL driver is now on the launcher's class path (the
 *       version of the WAR's), which the WAR's class loader asks first (Payara's default delegation), so
 *       the driver in use is not the WAR's own.</li>
 * </ul>
 *
 * <p>Remembers the first error of the boot, so that a deployment that fails is reported in one line.
 */
public final class ConsoleLog extends Handler {

    /** Set by the launcher before the platform reads its logging configuration. */
    static final String DEBUG_PROPERTY = "shm.log.console.all";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static volatile String firstError;

    private final ServerLogFormatter fileFormat = new ServerLogFormatter();
    private final boolean everything = Boolean.getBoolean(DEBUG_PROPERTY);

    public ConsoleLog() {
        setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || Console.LOGGER.equals(record.getLoggerName())) {
            return; // the launcher printed it already
        }
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue() && firstError == null) {
            firstError = oneLine(record);
        }
        if (everything) {
            Console.OUT.print(fileFormat.format(record));
            return;
        }
        String logger = String.valueOf(record.getLoggerName());
        boolean own = logger.startsWith("io.shm.");
        if ((own && level >= Level.WARNING.intValue()) || level >= Level.SEVERE.intValue()) {
            String time = LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()).format(TIME);
            String message = ServerLogFormatter.message(record);
            Console.OUT.println(time + (own ? " [shm] " : " [" + logger + "] ") + message
                    + (record.getThrown() != null && !own ? " (" + record.getThrown() + ")" : ""));
        }
    }

    private String oneLine(LogRecord record) {
        String message = ServerLogFormatter.message(record);
        Throwable cause = record.getThrown();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = message + (cause != null ? ": " + cause : "");
        return text.replaceAll("\\s+", " ").trim();
    }

    /** The first error logged since the JVM started, in one line; null when there was none. */
    static String firstError() {
        return firstError;
    }

    @Override
    public void flush() {
        Console.OUT.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
