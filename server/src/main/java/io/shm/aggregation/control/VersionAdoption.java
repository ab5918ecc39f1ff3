package io.shm.aggregation.control;

import io.shm.aggregation.entity.LatestVersion;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.TimeToHalf;
import io.shm.aggregation.entity.VersionShares;
import io.shm.persistence.control.Jdbc;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Version adoption over time, from the install base per day and version ({@code install_base_version},
 * see {@link InstallBase}): the share of the active instances per version day by day, how many days
 * a new version takes to reach half of the fleet, and each application's newest version.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class VersionAdoption {

    @Resource(lookup = Jdbc.DATASOURCE)
    DataSource dataSource;

    @Inject
    InstallBase installBase;

    /**
     * The share of each of the {@code top} versions with the most instance-days over the period, and
     * of all the others together, on every day of the period with an active instance.
     */
    public VersionShares shares(long applicationId, Period period, int top) throws SQLException {
        Map<LocalDate, Map<String, Long>> byDay = new TreeMap<>();
        Map<String, Long> totals = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT day, app_version, active FROM install_base_version
                      WHERE application_id = ? AND day >= ? AND day <= ? ORDER BY day""")) {
            statement.setLong(1, applicationId);
            statement.setObject(2, installBase.firstDay(period));
            statement.setObject(3, installBase.today());
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    String version = row.getString(2);
                    long active = row.getLong(3);
                    byDay.computeIfAbsent(row.getObject(1, LocalDate.class), d -> new HashMap<>()).put(version, active);
                    totals.merge(version, active, Long::sum);
                }
            }
        }
        if (byDay.isEmpty()) {
            return VersionShares.NONE;
        }
        List<String> versions = totals.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey(NEWEST_FIRST)))
                .limit(top).map(Map.Entry::getKey).toList();
        boolean other = totals.size() > versions.size();
        List<VersionShares.Day> days = new ArrayList<>();
        byDay.forEach((day, counts) -> {
            List<Long> columns = new ArrayList<>();
            long rest = counts.values().stream().mapToLong(Long::longValue).sum();
            for (String version : versions) {
                long n = counts.getOrDefault(version, 0L);
                columns.add(n);
                rest -= n;
            }
            if (other) {
                columns.add(rest);
            }
            long active = columns.stream().mapToLong(Long::longValue).sum();
            days.add(new VersionShares.Day(day, active, List.copyOf(columns), percentages(columns)));
        });
        return new VersionShares(versions, other, List.copyOf(days));
    }

    /**
     * The median days from a version's first day to its first day on at least half of the active
     * instances, over the application's whole recorded history. Versions already there on the first
     * recorded day are left out: when they appeared is not known.
     */
    public TimeToHalf timeToHalf(long applicationId) throws SQLException {
        Map<String, LocalDate> firstDay = new LinkedHashMap<>();
        Map<String, LocalDate> halfDay = new HashMap<>();
        LocalDate historyStart = null;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT v.day, v.app_version, v.active, d.active
                       FROM install_base_version v
                       JOIN install_base_day d ON d.application_id = v.application_id AND d.day = v.day
                      WHERE v.application_id = ? ORDER BY v.day""")) {
            statement.setLong(1, applicationId);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    LocalDate day = row.getObject(1, LocalDate.class);
                    String version = row.getString(2);
                    if (historyStart == null) {
                        historyStart = day;
                    }
                    firstDay.putIfAbsent(version, day);
                    if (2 * row.getLong(3) >= row.getLong(4)) {
                        halfDay.putIfAbsent(version, day);
                    }
                }
            }
        }
        List<Long> durations = new ArrayList<>();
        int pending = 0;
        for (Map.Entry<String, LocalDate> first : firstDay.entrySet()) {
            if (first.getValue().equals(historyStart)) {
                continue;
            }
            LocalDate half = halfDay.get(first.getKey());
            if (half == null) {
                pending++;
            } else {
                durations.add(ChronoUnit.DAYS.between(first.getValue(), half));
            }
        }
        return new TimeToHalf(durations.size(), median(durations), pending);
    }

    /** Each application's newest version on its latest recorded day with active instances, by application id. */
    public Map<Long, LatestVersion> latestByApplication() throws SQLException {
        Map<Long, LatestVersion> latest = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     WITH last_day AS (
                         SELECT application_id, max(day) AS day FROM install_base_day WHERE active > 0
                          GROUP BY application_id),
                     firsts AS (
                         SELECT application_id, app_version, min(day) AS first_day FROM install_base_version
                          GROUP BY application_id, app_version)
                     SELECT v.application_id, v.app_version, v.active, d.active, f.first_day
                       FROM last_day l
                       JOIN install_base_version v ON v.application_id = l.application_id AND v.day = l.day
                       JOIN install_base_day d ON d.application_id = l.application_id AND d.day = l.day
                       JOIN firsts f ON f.application_id = v.application_id AND f.app_version = v.app_version""");
             ResultSet row = statement.executeQuery()) {
            Map<Long, LocalDate> newestFirstDay = new HashMap<>();
            while (row.next()) {
                long application = row.getLong(1);
                String version = row.getString(2);
                LocalDate first = row.getObject(5, LocalDate.class);
                LocalDate best = newestFirstDay.get(application);
                boolean newer = best == null || first.isAfter(best)
                        || first.equals(best) && NEWEST_FIRST.compare(version, latest.get(application).version()) < 0;
                if (newer) {
                    newestFirstDay.put(application, first);
                    latest.put(application, new LatestVersion(version, row.getLong(3),
                            percent(row.getLong(3), row.getLong(4))));
                }
            }
        }
        return latest;
    }

    /**
     * Versions newest first: numbers compared as numbers ({@code 1.10} after {@code 1.9}), other
     * characters as text, a longer version after its prefix ({@code 1.0.1} after {@code 1.0}).
     */
    static final Comparator<String> NEWEST_FIRST = VersionAdoption::compareVersions;

    private static int compareVersions(String a, String b) {
        List<String> left = parts(a);
        List<String> right = parts(b);
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            String x = left.get(i);
            String y = right.get(i);
            boolean numbers = digit(x.charAt(0)) && digit(y.charAt(0));
            int order = numbers ? new BigDecimal(x).compareTo(new BigDecimal(y)) : x.compareTo(y);
            if (order != 0) {
                return -order;
            }
        }
        return Integer.compare(right.size(), left.size());
    }

    private static List<String> parts(String version) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (part.length() > 0 && digit(c) != digit(part.charAt(0))) {
                parts.add(part.toString());
                part.setLength(0);
            }
            part.append(c);
        }
        if (part.length() > 0) {
            parts.add(part.toString());
        }
        return parts;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Percentages with one decimal that add up to exactly 100 (largest remainders), or all zero when
     * the counts are.
     */
    static List<BigDecimal> percentages(List<Long> counts) {
        long total = counts.stream().mapToLong(Long::longValue).sum();
        List<BigDecimal> percents = new ArrayList<>();
        if (total == 0) {
            counts.forEach(n -> percents.add(BigDecimal.valueOf(0, 1)));
            return percents;
        }
        long[] tenths = new long[counts.size()];
        long[] remainders = new long[counts.size()];
        long given = 0;
        for (int i = 0; i < counts.size(); i++) {
            long scaled = counts.get(i) * 1000;
            tenths[i] = scaled / total;
            remainders[i] = scaled % total;
            given += tenths[i];
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            order.add(i);
        }
        order.sort((x, y) -> remainders[y] != remainders[x] ? Long.compare(remainders[y], remainders[x]) : Integer.compare(x, y));
        for (int i = 0; given < 1000; i++, given++) {
            tenths[order.get(i)]++;
        }
        for (long share : tenths) {
            percents.add(BigDecimal.valueOf(share, 1));
        }
        return percents;
    }

    private static BigDecimal percent(long part, long whole) {
        return whole == 0 ? BigDecimal.valueOf(0, 1) : percentages(List.of(part, whole - part)).get(0);
    }

    private static BigDecimal median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        if (sorted.size() % 2 == 1) {
            return BigDecimal.valueOf(sorted.get(middle));
        }
        return BigDecimal.valueOf(sorted.get(middle - 1) + sorted.get(middle)).divide(BigDecimal.valueOf(2));
    }
}
