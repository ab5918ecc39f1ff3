package io.shm.launcher;

import java.text.MessageFormat;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per record in the server log file: time, level, logger, message, and the stack trace
 * when there is one. Payara logs message ids ({@code AS-DEPLOYMENT-00015}) whose text is in the
 * resource bundle of the logger rather than of the record: looked up there, so the file says what
 * happened, with the id kept in front for searching.
 */
public final class ServerLogFormatter extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder()
                .append(TIME.format(record.getInstant().atZone(ZoneId.systemDefault()))).append(' ')
                .append(record.getLevel().getName()).append(" [").append(record.getLoggerName()).append("] ")
                .append(message(record)).append(System.lineSeparator());
        if (record.getThrown() != null) {
            java.io.StringWriter trace = new java.io.StringWriter();
            record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    /** The record's text, resolved and with its parameters. */
    static String message(LogRecord record) {
        String message = record.getMessage();
        if (message == null) {
            return "";
        }
        ResourceBundle bundle = record.getResourceBundle();
        if (bundle == null && record.getLoggerName() != null) {
            bundle = Logger.getLogger(record.getLoggerName()).getResourceBundle();
        }
        String text = message;
        if (bundle != null) {
            try {
                text = bundle.getString(message);
                if (message.matches("[A-Z]+(-[A-Z]+)*-\\d+")) {
                    text = message + ": " + text;
                }
            } catch (MissingResourceException | ClassCastException notAKey) {
                text = message;
            }
        }
        Object[] parameters = record.getParameters();
        if (parameters != null && parameters.length > 0 && text.contains("{")) {
            try {
                text = MessageFormat.format(text, parameters);
            } catch (IllegalArgumentException notAPattern) {
                // printed as it is
            }
        }
        return text;
    }
}
