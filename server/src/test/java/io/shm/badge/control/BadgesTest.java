package io.shm.badge.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetKeys;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.entity.NumericStats;
import io.shm.application.control.ApplicationDirectory;
import io.shm.application.entity.ApplicationRef;
import io.shm.testing.MutableClock;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BadgesTest {

    private static final ApplicationRef APP = new ApplicationRef(7, "my-app", "My App");

    private final List<String> queries = new ArrayList<>();
    private final Map<String, BigDecimal> totals = Map.of("users_count", new BigDecimal("1234"), "docs", new BigDecimal("7"));

    /** The fleet of one application with 42 active instances, mostly on 2.1.0; each read model records each query. */
    private final ApplicationDirectory applications = new ApplicationDirectory() {
        @Override
        public Optional<ApplicationRef> find(String slugOrName) {
            queries.add("application " + slugOrName);
            return slugOrName.equals(APP.slug()) ? Optional.of(APP) : Optional.empty();
        }
    };

    private final FleetCounts counts = new FleetCounts() {
        @Override
        public long activeInstances(long applicationId) {
            queries.add("instances");
            return 42;
        }
    };

    private final FleetStatistics statistics = new FleetStatistics() {
        @Override
        public Optional<String> mostCommonVersion(long applicationId) {
            queries.add("version");
            return Optional.of("2.1.0");
        }

        @Override
        public Optional<NumericStats> total(long applicationId, String key) {
            queries.add("total " + key);
            return Optional.ofNullable(totals.get(key))
                    .map(sum -> new NumericStats(key, 2, sum, null, null, null, null, null, null));
        }
    };

    /** The key catalogue knows the keys with a total, and one that no active instance reports now. */
    private final FleetKeys keys = new FleetKeys() {
        @Override
        public boolean mayReport(long applicationId, String key) {
            queries.add("catalogue " + key);
            return totals.containsKey(key) || key.equals("gone");
        }
    };

    private final Badges badges = badges();

    private Badges badges() {
        BadgeCache cache = new BadgeCache();
        cache.seconds = 120;
        cache.capacity = 100;
        cache.clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
        Badges badges = new Badges();
        badges.applications = applications;
        badges.counts = counts;
        badges.statistics = statistics;
        badges.keys = keys;
        badges.cache = cache;
        badges.maxKeyLength = 128;
        return badges;
    }

    @Test
    void eachKindSaysWhatItShouldInItsDefaultColour() throws SQLException {
        assertEquals(BadgeValue.of("42", BadgeColor.GOOD), badges.instances("my-app"));
        assertEquals(BadgeValue.of("2.1.0", BadgeColor.VERSION), badges.version("my-app"));
        assertEquals(BadgeValue.of("1.2k", BadgeColor.GOOD), badges.metric("my-app", "users_count"));
        assertEquals(BadgeValue.of("7", BadgeColor.POOR), badges.metric("my-app", "docs"));
        assertEquals(BadgeValue.of("1.2k / 42", BadgeColor.COMBINED), badges.combined("my-app", null));
        assertEquals(BadgeValue.of("7 / 42", BadgeColor.COMBINED), badges.combined("my-app", "docs"));
    }

    @Test
    void anEmptyCombinedMetricMeansTheDefaultOne() throws SQLException {
        assertEquals("1.2k / 42", badges.combined("my-app", "").message());
    }

    @Test
    void unknownAppsAndKeysAreErrorValues() throws SQLException {
        assertEquals(BadgeValue.UNKNOWN_APP, badges.instances("nope"));
        assertEquals(BadgeValue.UNKNOWN_APP, badges.metric("nope", "users_count"));
        assertEquals(BadgeValue.UNKNOWN_METRIC, badges.metric("my-app", "nothing"));
        assertEquals(BadgeValue.UNKNOWN_METRIC, badges.combined("my-app", "nothing"));
        assertEquals(BadgeValue.UNKNOWN_METRIC, badges.metric("my-app", "gone"));
        assertEquals(List.of("application nope", "application nope", "application my-app", "catalogue nothing",
                "application my-app", "catalogue nothing", "application my-app", "catalogue gone", "total gone"), queries,
                "a key never reported is answered by the catalogue, without a total or a count of instances");
        assertEquals(2, badges.keyReadsFromCatalogue());
        assertEquals(1, badges.keyReadsFromInstances());
    }

    @Test
    void slugsAndKeysThatCannotExistCostNoQuery() throws SQLException {
        assertEquals(BadgeValue.UNKNOWN_APP, badges.instances("s".repeat(201)));
        assertEquals(BadgeValue.UNKNOWN_APP, badges.version("my\u0000app"));
        assertEquals(BadgeValue.UNKNOWN_METRIC, badges.metric("my-app", "k".repeat(129)));
        assertEquals(BadgeValue.UNKNOWN_METRIC, badges.metric("my-app", "users\u0000count"));
        assertEquals(BadgeValue.UNKNOWN_METRIC, badges.combined("my-app", "\u0000"));

        assertEquals(List.of(), queries);
    }

    @Test
    void valuesComeFromTheCacheOnceLoaded() throws SQLException {
        badges.combined("my-app", "docs");
        badges.combined("my-app", "docs");
        badges.metric("my-app", "docs");

        assertEquals(List.of("application my-app", "catalogue docs", "total docs", "instances", "application my-app",
                "catalogue docs", "total docs"), queries);
    }
}
