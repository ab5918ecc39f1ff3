package io.shm.aggregation.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.LatestVersion;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.TimeToHalf;
import io.shm.aggregation.entity.VersionShares;
import io.shm.persistence.control.SchemaMigrationAccess;
import io.shm.testing.MutableClock;
import io.shm.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install base and version adoption read models on a hand-built fleet in a database of its own,
 * filled by the rollup job from the instances' daily rows (T is today, the active window 30 days):
 *
 * <ul>
 *   <li>A: version 0.9, last report on T-31: active on T-2, churns on T-1;</li>
 *   <li>B: first seen T-2, reports T-2 (1.0), T-1 and T (1.1);</li>
 *   <li>C: first seen T-1, reports T-1 (1.0);</li>
 *   <li>D: first seen T, reports T (1.1);</li>
 *   <li>F: first seen T-10, reports T-10 (1.0);</li>
 *   <li>R: revoked, reports every day: never counts.</li>
 * </ul>
 */
class InstallBaseIT {

    private static final int ACTIVE_DAYS = 30;

    private static DataSource database;
    private static MutableClock clock;
    private static LocalDate today;
    private static long application;
    private static InstallBase installBase;
    private static VersionAdoption adoption;
    private static Rollups rollups;

    @BeforeAll
    static void handBuiltFleet() throws Exception {
        String name = "install_base_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase.get().createDatabase(name);
        database = TestDatabase.get().dataSource(name);
        try (Connection connection = database.getConnection()) {
            SchemaMigrationAccess.update(connection);
        }
        clock = new MutableClock(Instant.now());
        today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        application = insertApplication("fleet");

        long a = instance(application, "ACTIVE", today.minusDays(40));
        report(a, today.minusDays(31), "0.9");
        long b = instance(application, "ACTIVE", today.minusDays(2));
        report(b, today.minusDays(2), "1.0");
        report(b, today.minusDays(1), "1.1");
        report(b, today, "1.1");
        long c = instance(application, "ACTIVE", today.minusDays(1));
        report(c, today.minusDays(1), "1.0");
        long d = instance(application, "ACTIVE", today);
        report(d, today, "1.1");
        long f = instance(application, "ACTIVE", today.minusDays(10));
        report(f, today.minusDays(10), "1.0");
        long r = instance(application, "REVOKED", today.minusDays(2));
        for (int i = 0; i <= 2; i++) {
            report(r, today.minusDays(i), "2.0");
        }

        ActiveWindow window = new ActiveWindow();
        window.clock = clock;
        window.days = ACTIVE_DAYS;
        rollups = new Rollups();
        rollups.dataSource = database;
        rollups.window = window;
        rollups.maxKeysPerApp = 2000;
        rollups.log = Logger.getLogger(Rollups.class.getName());
        installBase = new InstallBase();
        installBase.dataSource = database;
        installBase.window = window;
        adoption = new VersionAdoption();
        adoption.dataSource = database;
        adoption.installBase = installBase;

        assertTrue(rollups.refresh().isPresent());
    }

    @Test
    void activeNewAndChurnedPerDayOverTheLastThreeDays() throws Exception {
        List<InstallBaseDay> week = installBase.days(application, Period.WEEK);

        assertEquals(7, week.size(), "one row per day of the week, today included: " + week);
        assertEquals(today, week.get(6).day());
        assertEquals(new InstallBaseDay(today.minusDays(2), 3, 1, 0), week.get(4), "A, B, F; B new");
        assertEquals(new InstallBaseDay(today.minusDays(1), 3, 1, 1), week.get(5), "B, C, F; C new; A churned");
        assertEquals(new InstallBaseDay(today, 4, 1, 0), week.get(6), "B, C, D, F; D new");
        assertEquals(new InstallBaseDay(today.minusDays(3), 2, 0, 0), week.get(3), "A and F only");
    }

    @Test
    void allTimeStartsOnTheFirstDailyReport() throws Exception {
        List<InstallBaseDay> all = installBase.days(application, Period.ALL);

        assertEquals(32, all.size(), "from T-31 to T: " + all.get(0));
        assertEquals(new InstallBaseDay(today.minusDays(31), 1, 0, 0), all.get(0));
        assertEquals(installBase.days(application, Period.MONTH),
                installBase.daysByApplication(Period.MONTH).get(application));
    }

    @Test
    void versionSharesAddUpToAHundredEveryDay() throws Exception {
        VersionShares shares = adoption.shares(application, Period.WEEK, 10);

        assertEquals(List.of("1.0", "0.9", "1.1"), shares.versions(), "most instance-days first: 10, 5, 3");
        assertFalse(shares.other());
        VersionShares.Day last = shares.days().get(shares.days().size() - 1);
        assertEquals(today, last.day());
        assertEquals(List.of(2L, 0L, 2L), last.instances());
        assertEquals(List.of(new BigDecimal("50.0"), new BigDecimal("0.0"), new BigDecimal("50.0")), last.percents());
        for (VersionShares.Day day : shares.days()) {
            assertEquals(new BigDecimal("100.0"), day.percents().stream().reduce(BigDecimal.ZERO, BigDecimal::add),
                    day.toString());
        }

        VersionShares top = adoption.shares(application, Period.WEEK, 1);
        assertEquals(List.of("1.0"), top.versions());
        assertTrue(top.other());
        VersionShares.Day yesterday = top.days().get(top.days().size() - 2);
        assertEquals(List.of(2L, 1L), yesterday.instances(), "C and F on 1.0; B on 1.1 among the others");
        assertEquals(List.of(new BigDecimal("66.7"), new BigDecimal("33.3")), yesterday.percents());
    }

    @Test
    void medianDaysToHalfTheFleetAndTheNewestVersion() throws Exception {
        TimeToHalf half = adoption.timeToHalf(application);

        // 0.9 was there on the first day; 1.0 reached half on its first day (T-10), 1.1 on its second.
        assertEquals(new TimeToHalf(2, new BigDecimal("0.5"), 0), half);
        assertEquals(new LatestVersion("1.1", 2, new BigDecimal("50.0")),
                adoption.latestByApplication().get(application));
    }

    @Test
    void aNewReportTodayIsCountedByTheNextRunAndARevokedInstanceLeavesEveryDay() throws Exception {
        long app = insertApplication("later");
        long early = instance(app, "ACTIVE", today.minusDays(5));
        report(early, today.minusDays(5), "3.0");
        long late = instance(app, "ACTIVE", today.minusDays(5));
        report(late, today.minusDays(5), "3.0");
        rollups.refresh();
        assertEquals(2, last(installBase.days(app, Period.WEEK)).active());

        long third = instance(app, "ACTIVE", today);
        report(third, today, "3.1");
        rollups.refresh();
        assertEquals(new InstallBaseDay(today, 3, 1, 0), last(installBase.days(app, Period.WEEK)));

        try (Connection connection = database.getConnection()) {
            Rollups.markInstanceBuckets(connection, late);
            execute(connection, "UPDATE instance SET status = 'REVOKED' WHERE id = ?", late);
        }
        rollups.refresh();
        List<InstallBaseDay> days = installBase.days(app, Period.WEEK);
        assertEquals(1, days.get(0).active(), "T-5 without the revoked instance: " + days);
        assertEquals(2, last(days).active());
    }

    @Test
    void percentagesAddUpToExactlyAHundred() {
        assertEquals(List.of(new BigDecimal("33.4"), new BigDecimal("33.3"), new BigDecimal("33.3")),
                VersionAdoption.percentages(List.of(1L, 1L, 1L)));
        assertEquals(List.of(new BigDecimal("0.0"), new BigDecimal("0.0")), VersionAdoption.percentages(List.of(0L, 0L)));
        assertEquals(List.of(new BigDecimal("14.3"), new BigDecimal("85.7")), VersionAdoption.percentages(List.of(1L, 6L)));
    }

    @Test
    void versionsCompareByTheirNumbers() {
        assertEquals(List.of("1.10", "1.9", "1.0.1", "1.0", "0.9"),
                List.of("1.0", "1.9", "0.9", "1.10", "1.0.1").stream().sorted(VersionAdoption.NEWEST_FIRST).toList());
        assertNull(KeyTrends.change(List.of()));
    }

    private static InstallBaseDay last(List<InstallBaseDay> days) {
        return days.get(days.size() - 1);
    }

    private static long insertApplication(String slug) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement("INSERT INTO application (slug, name, created_at,"
                     + " updated_at) VALUES (?, ?, now(), now()) RETURNING id")) {
            statement.setString(1, slug);
            statement.setString(2, slug);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long instance(long app, String status, LocalDate firstSeen) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO instance (instance_id, public_key, application_id, app_version, status, first_seen, last_seen)
                     VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id""")) {
            statement.setObject(1, UUID.randomUUID());
            statement.setBytes(2, new byte[32]);
            statement.setLong(3, app);
            statement.setString(4, status);
            statement.setObject(5, firstSeen.atTime(12, 0).atOffset(ZoneOffset.UTC));
            statement.setObject(6, clock.instant().atOffset(ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** An instance's daily row for a day, as the snapshot statement writes it. */
    private static void report(long instance, LocalDate day, String version) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO instance_bucket (instance_id, width, bucket_start, application_id, app_version, metrics, updated_at)
                     SELECT id, 'd', ?, application_id, ?, '{}'::jsonb, now() FROM instance WHERE id = ?""")) {
            statement.setObject(1, day.atStartOfDay().atOffset(ZoneOffset.UTC));
            statement.setString(2, version);
            statement.setLong(3, instance);
            statement.executeUpdate();
        }
    }

    private static void execute(Connection connection, String sql, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, id);
            statement.executeUpdate();
        }
    }
}
