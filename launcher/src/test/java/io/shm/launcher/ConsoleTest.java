package io.shm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    @Test
    void whatAPlatformPrintsWhileItStopsBecomesLogRecordsOneALine() {
        String name = "io.shm.launcher.test.stdout";
        List<String> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(name);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        try (PrintStream out = Console.logOnly(name)) {
            out.println("JdbcRuntimeExtension,  getAllSystemRAResourcesAndPools = [é]");
            out.print("two\r\nlines\n");
            out.print("no end of line yet");
            assertEquals(3, records.size(), "a line is logged once it ends: " + records);
            out.flush();
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(List.of(Level.INFO + " JdbcRuntimeExtension,  getAllSystemRAResourcesAndPools = [é]",
                Level.INFO + " two", Level.INFO + " lines", Level.INFO + " no end of line yet"), records);
    }
}
