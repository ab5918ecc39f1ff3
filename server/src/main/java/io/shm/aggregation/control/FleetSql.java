package io.shm.aggregation.control;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The SQL the rollup job and the fleet reads share, so that a statistic a read computes itself (for a
 * scope the job has not reached yet) is the one the job would have stored.
 */
final class FleetSql {

    /** The key under which the version is rolled up, in SQL: U+0001 then {@code version} (see {@link FleetSeries#VERSION_KEY}). */
    static final String VERSION_KEY = "chr(1) || 'version'";

    /**
     * Every current key and value of each instance {@code i} as {@code kv}, with {@code n.v} the value as
     * an exact number when it is a JSON number (null otherwise).
     */
    static final String FROM_CURRENT_VALUES = """
             FROM instance i
            CROSS JOIN LATERAL jsonb_each(i.metrics) kv
            CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(kv.value) = 'number'
                                            THEN CAST(kv.value AS numeric) END AS v) n
            """;

    /**
     * The statistics of {@code n.v} in a group: {@code instances}, {@code total}, {@code lowest},
     * {@code highest}, {@code mean}, and {@code p}, the nearest-rank p50, p90 and p99 as an array.
     */
    static final String NUMBER_STATISTICS = """
            count(*) AS instances, sum(n.v) AS total, min(n.v) AS lowest, max(n.v) AS highest, avg(n.v) AS mean,
            percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY n.v) AS p""";

    /** The columns a row of numeric statistics is read from, after the key, over {@link #NUMBER_STATISTICS}. */
    static final String NUMBER_COLUMNS = "instances, total, lowest, highest, mean, p[1], p[2], p[3]";

    /** Over {@code kv}: a value counted in distributions, a JSON string or boolean. */
    static final String TEXT_TYPED = "jsonb_typeof(kv.value) IN ('string', 'boolean')";

    /** Over {@code kv}: the value as text, as distributions count it. */
    static final String TEXT_VALUE = "kv.value #>> '{}'";

    /** Scope of the fleet-wide rows of {@code fleet_current}; application ids start at 1. */
    static final long ALL_APPLICATIONS = 0;

    private FleetSql() {
    }

    /**
     * Whether a key of an application is rolled up: always while the application reported no more keys
     * than {@code SHM_MAX_KEYS_PER_APP} (no {@code metric_key_left_out} row), else only the keys kept in
     * its catalogue, the most recently reported ones. The application version is always rolled up.
     */
    static String catalogued(String row, String key) {
        return " (" + key + " = " + VERSION_KEY
                + " OR NOT EXISTS (SELECT 1 FROM metric_key_left_out lo WHERE lo.application_id = " + row + ".application_id)"
                + " OR EXISTS (SELECT 1 FROM metric_key mk WHERE mk.application_id = " + row + ".application_id"
                + " AND mk.metric_key = " + key + ")) ";
    }

    /** The {@code fleet_current} scope of an application, {@code null} meaning all of them. */
    static long scope(Long applicationId) {
        return applicationId == null ? ALL_APPLICATIONS : applicationId;
    }

    /** A timestamp as the driver binds it to a {@code timestamptz} parameter. */
    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
