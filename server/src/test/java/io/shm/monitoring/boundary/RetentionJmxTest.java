package io.shm.monitoring.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shm.retention.control.Retention;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RetentionJmxTest {

    private static final Instant AT = Instant.parse("2026-11-23T03:27:00Z");
    private static final Instant CUTOFF = Instant.parse("2026-08-25T03:27:00Z");

    private Retention.Run next;
    private Retention.Run last;
    private final RetentionJmx mbean = new RetentionJmx();

    RetentionJmxTest() {
        mbean.log = Logger.getLogger(RetentionJmx.class.getName());
        mbean.retention = new Retention() {
            @Override
            public Run purgeNow() throws SQLException {
                if (next == null) {
                    throw new SQLException("the connection was closed", "08003");
                }
                last = next;
                return next;
            }

            @Override
            public Run lastRun() {
                return last;
            }
        };
        mbean.retention.setDays(90);
    }

    @Test
    void daysAreReadAndChanged() {
        mbean.setDays(30);

        assertEquals(30, mbean.getDays());
    }

    @Test
    void lessThanADayIsRefusedSayingSoAndChangesNothing() {
        assertEquals("retention must be at least 1 day, not 0",
                assertThrows(IllegalArgumentException.class, () -> mbean.setDays(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> mbean.setDays(-5));

        assertEquals(90, mbean.getDays());
    }

    @Test
    void noLastRunBeforeTheFirst() {
        assertNull(mbean.getLastRun());
    }

    @Test
    void purgeNowSaysWhatWentAndLastRunKeepsIt() {
        next = new Retention.Run(AT, CUTOFF, List.of("snapshot_d20260823", "snapshot_d20260824"), 12);

        assertEquals("dropped 2 snapshot partitions (snapshot_d20260823, snapshot_d20260824) and 12 per-bucket rows"
                + " older than 2026-08-25T03:27:00Z", mbean.purgeNow());
        assertEquals(new RetentionMXBean.LastRun("2026-11-23T03:27:00Z", "2026-08-25T03:27:00Z",
                List.of("snapshot_d20260823", "snapshot_d20260824"), 12), mbean.getLastRun());
    }

    @Test
    void theSummaryStaysShortWhenManyPartitionsGo() {
        List<String> dropped = List.of("d1", "d2", "d3", "d4", "d5", "d6", "d7");

        assertEquals("dropped 7 snapshot partitions (d1, d2, d3, d4, d5, …) and 0 per-bucket rows older than 2026-08-25T03:27:00Z",
                RetentionJmx.summary(new Retention.Run(AT, CUTOFF, dropped, 0)));
        assertEquals("dropped no snapshot partition and 0 per-bucket rows older than 2026-08-25T03:27:00Z",
                RetentionJmx.summary(new Retention.Run(AT, CUTOFF, List.of(), 0)));
        assertEquals("dropped snapshot partition d1 and 3 per-bucket rows older than 2026-08-25T03:27:00Z",
                RetentionJmx.summary(new Retention.Run(AT, CUTOFF, List.of("d1"), 3)));
    }

    @Test
    void aDatabaseFailureReachesTheClientAsItsSqlState() {
        IllegalStateException failed = assertThrows(IllegalStateException.class, mbean::purgeNow);

        assertEquals("the retention run failed on the database (SQL state 08003); the server log says more", failed.getMessage());
        assertNull(failed.getCause());
    }
}
