package io.shm.aggregation.control;

import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.Period;
import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The install base of each application per UTC day ({@code install_base_day}), and per day and
 * version ({@code install_base_version}): written by the rollup job from the instances' daily rows,
 * read by the Overview, the list of applications and the public page.
 *
 * <p>How a day is counted, with N the active window in days: each daily report of an instance covers
 * that day and the following days up to its next report, N days at most. An instance is active on a
 * day its reports cover, under the version of the report that covers it; it churns on the day its
 * last report's cover ends without a next report; it is new on the day it was first seen. Revoked
 * and never activated instances never count. A range of days is recomputed from the daily reports of
 * the N days before it onwards, in one set-based statement (+1 where a cover starts, -1 where it
 * ends, summed up day after day per version).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class InstallBase {

    /**
     * Parameters: application id, active days (twice), first day − N as timestamptz, the day after the
     * last as timestamptz, last day, first day − N, last day, first day, application id (version
     * rows), first day (totals), application id, first day and the day after the last as timestamptz
     * (new instances), first day, last day, application id (day rows).
     */
    static final String RECOMPUTE = """
            WITH reports AS (
                SELECT b.instance_id, CAST(b.bucket_start AT TIME ZONE 'UTC' AS date) AS day, b.app_version
                  FROM instance_bucket b
                  JOIN instance i ON i.id = b.instance_id AND i.status = 'ACTIVE'
                 WHERE b.application_id = ? AND b.width = 'd' AND b.bucket_start >= ? AND b.bucket_start < ?),
            spans AS (
                SELECT day, app_version, lead(day) OVER (PARTITION BY instance_id ORDER BY day) AS next FROM reports),
            events AS (
                SELECT day, app_version, 1 AS delta, 0 AS churn FROM spans
                UNION ALL
                SELECT LEAST(next, day + CAST(? AS integer)), app_version, -1,
                       CASE WHEN next IS NULL OR next > day + CAST(? AS integer) THEN 1 ELSE 0 END
                  FROM spans),
            per_day AS (
                SELECT day, app_version, sum(delta) AS delta FROM events WHERE day <= ? GROUP BY day, app_version),
            grid AS (
                SELECT CAST(g.day AS date) AS day, v.app_version
                  FROM generate_series(CAST(? AS date), CAST(? AS date), interval '1 day') g (day)
                 CROSS JOIN (SELECT DISTINCT app_version FROM per_day) v),
            running AS (
                SELECT grid.day, grid.app_version,
                       sum(COALESCE(per_day.delta, 0)) OVER (PARTITION BY grid.app_version ORDER BY grid.day) AS active
                  FROM grid LEFT JOIN per_day ON per_day.day = grid.day AND per_day.app_version = grid.app_version),
            kept AS (SELECT day, app_version, active FROM running WHERE day >= ? AND active > 0),
            versions AS (
                INSERT INTO install_base_version (application_id, day, app_version, active)
                SELECT ?, day, app_version, active FROM kept
                RETURNING 1),
            churned AS (
                SELECT day, sum(churn) AS n FROM events WHERE churn = 1 AND day >= ? GROUP BY day),
            fresh AS (
                SELECT CAST(i.first_seen AT TIME ZONE 'UTC' AS date) AS day, count(*) AS n
                  FROM instance i
                 WHERE i.application_id = ? AND i.status = 'ACTIVE' AND i.first_seen >= ? AND i.first_seen < ?
                 GROUP BY 1),
            totals AS (SELECT day, sum(active) AS active FROM kept GROUP BY day)
            INSERT INTO install_base_day (application_id, day, active, new_instances, churned)
            SELECT ?, CAST(g.day AS date), COALESCE(totals.active, 0), COALESCE(fresh.n, 0), COALESCE(churned.n, 0)
              FROM generate_series(CAST(? AS date), CAST(? AS date), interval '1 day') g (day)
              LEFT JOIN totals ON totals.day = g.day
              LEFT JOIN fresh ON fresh.day = g.day
              LEFT JOIN churned ON churned.day = g.day""";

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    ActiveWindow window;

    /**
     * The application's days within the period, ending today (UTC), oldest first: every day from the
     * first one recorded; none before.
     */
    public List<InstallBaseDay> days(long applicationId, Period period) throws SQLException {
        return read(applicationId, period).getOrDefault(applicationId, List.of());
    }

    /** {@link #days} of every application with recorded days, by application id, in one read. */
    public Map<Long, List<InstallBaseDay>> daysByApplication(Period period) throws SQLException {
        return read(null, period);
    }

    /** The first day of a period ending today. */
    public LocalDate firstDay(Period period) {
        LocalDate today = today();
        return period == Period.ALL ? LocalDate.of(2000, 1, 1) : today.minusDays(period.span().toDays() - 1);
    }

    public LocalDate today() {
        return LocalDate.ofInstant(window.now(), ZoneOffset.UTC);
    }

    private Map<Long, List<InstallBaseDay>> read(Long applicationId, Period period) throws SQLException {
        String sql = "SELECT application_id, day, active, new_instances, churned FROM install_base_day"
                + " WHERE day >= ? AND day <= ?" + (applicationId == null ? "" : " AND application_id = ?")
                + " ORDER BY application_id, day";
        Map<Long, List<InstallBaseDay>> days = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, firstDay(period));
            statement.setObject(2, today());
            if (applicationId != null) {
                statement.setLong(3, applicationId);
            }
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    days.computeIfAbsent(row.getLong(1), id -> new ArrayList<>()).add(new InstallBaseDay(
                            row.getObject(2, LocalDate.class), row.getLong(3), row.getLong(4), row.getLong(5)));
                }
            }
        }
        return days;
    }

    /**
     * Brings every application's days up to {@code today}, in the caller's transaction: for each, from
     * the earliest of its last recorded day (a day still under way when it was written) and the
     * earliest day whose daily reports changed since (late reports, revoked or deleted instances), or
     * all of its daily reports' days when nothing is recorded yet. Once the oldest daily reports have
     * expired (retention), days whose window reaches past them are left as they were written.
     *
     * @param changedSince per application, the earliest day whose daily reports changed
     * @return the days recomputed, over all applications
     */
    public static long refresh(Connection connection, Map<Long, LocalDate> changedSince, LocalDate today,
                               int activeDays) throws SQLException {
        record State(long application, LocalDate firstRecorded, LocalDate lastRecorded, LocalDate firstReport) {
        }
        List<State> states = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT a.id,
                       (SELECT min(d.day) FROM install_base_day d WHERE d.application_id = a.id),
                       (SELECT max(d.day) FROM install_base_day d WHERE d.application_id = a.id),
                       (SELECT CAST(min(b.bucket_start) AT TIME ZONE 'UTC' AS date) FROM instance_bucket b
                         WHERE b.application_id = a.id AND b.width = 'd')
                  FROM application a ORDER BY a.id""");
             ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                states.add(new State(row.getLong(1), row.getObject(2, LocalDate.class),
                        row.getObject(3, LocalDate.class), row.getObject(4, LocalDate.class)));
            }
        }
        long days = 0;
        for (State state : states) {
            LocalDate from;
            if (state.lastRecorded() == null) {
                if (state.firstReport() == null) {
                    continue;
                }
                from = state.firstReport();
            } else {
                from = earliest(state.lastRecorded().isBefore(today) ? state.lastRecorded() : null,
                        changedSince.get(state.application()));
                if (from == null) {
                    continue;
                }
                if (state.firstReport() == null) {
                    // Every daily report expired: only the days after the last recorded one are new.
                    from = state.lastRecorded().plusDays(1);
                } else if (state.firstRecorded().isBefore(state.firstReport())) {
                    // Reports before firstReport expired: a day whose window reaches past it would lose them.
                    LocalDate complete = state.firstReport().plusDays(activeDays);
                    from = from.isBefore(complete) ? complete : from;
                }
            }
            if (!from.isAfter(today)) {
                days += recompute(connection, state.application(), from, today, activeDays);
            }
        }
        return days;
    }

    private static LocalDate earliest(LocalDate a, LocalDate b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    /**
     * Replaces the application's days {@code from} to {@code to} (both included), in the caller's
     * transaction; public for bulk loads (the aggregation benchmark's generator).
     *
     * @return the days written
     */
    public static int recompute(Connection connection, long applicationId, LocalDate from, LocalDate to,
                                int activeDays) throws SQLException {
        for (String table : List.of("install_base_version", "install_base_day")) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE application_id = ? AND day >= ? AND day <= ?")) {
                statement.setLong(1, applicationId);
                statement.setObject(2, from);
                statement.setObject(3, to);
                statement.executeUpdate();
            }
        }
        LocalDate windowStart = from.minusDays(activeDays);
        try (PreparedStatement statement = connection.prepareStatement(RECOMPUTE)) {
            int p = 1;
            statement.setLong(p++, applicationId);
            statement.setObject(p++, startOf(windowStart));
            statement.setObject(p++, startOf(to.plusDays(1)));
            statement.setInt(p++, activeDays);
            statement.setInt(p++, activeDays);
            statement.setObject(p++, to);
            statement.setObject(p++, windowStart);
            statement.setObject(p++, to);
            statement.setObject(p++, from);
            statement.setLong(p++, applicationId);
            statement.setObject(p++, from);
            statement.setLong(p++, applicationId);
            statement.setObject(p++, startOf(from));
            statement.setObject(p++, startOf(to.plusDays(1)));
            statement.setLong(p++, applicationId);
            statement.setObject(p++, from);
            statement.setObject(p, to);
            return statement.executeUpdate();
        }
    }

    private static OffsetDateTime startOf(LocalDate day) {
        return day.atStartOfDay().atOffset(ZoneOffset.UTC);
    }
}
