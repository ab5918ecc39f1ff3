package io.shm.badge.control;

import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetKeys;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.entity.NumericStats;
import io.shm.application.control.ApplicationDirectory;
import io.shm.application.entity.Application;
import io.shm.application.entity.ApplicationRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What each badge of an application says, from its active instances, through {@link BadgeCache}.
 * Applications are found by {@link ApplicationDirectory}'s rule: by slug or by name, as the original server found them.
 *
 * <p>Slugs and keys come from anyone's URL: one that cannot name anything stored (too long, or with
 * a NUL, which PostgreSQL text cannot hold) is answered without a query and without a cache entry.
 */
@ApplicationScoped
public class Badges {

    /** The metric of the combined badge when none is asked for: the original server's. */
    public static final String DEFAULT_COMBINED_METRIC = "users_count";

    static final String NO_VERSION = "no data";

    static final String UNKNOWN_VERSION = "unknown";

    @Inject
    ApplicationDirectory applications;

    @Inject
    FleetCounts counts;

    @Inject
    FleetStatistics statistics;

    @Inject
    FleetKeys keys;

    @Inject
    BadgeCache cache;

    /** The ingest's longest key (SHM_INGEST_MAX_KEY_LENGTH): a longer one cannot have been reported. */
    @Inject
    @ConfigProperty(name = "shm.ingest.max-key-length", defaultValue = "128")
    int maxKeyLength;

    private final LongAdder fromCatalogue = new LongAdder();
    private final LongAdder fromInstances = new LongAdder();

    /** Reads one badge of an application that exists. */
    @FunctionalInterface
    interface Reader {
        BadgeValue read(ApplicationRef application) throws SQLException;
    }

    public BadgeValue instances(String slug) throws SQLException {
        return read(slug, BadgeKind.INSTANCES, "", application -> {
            long count = counts.activeInstances(application.id());
            return BadgeValue.of(CompactNumber.format(count), BadgeColor.forInstances(count));
        });
    }

    /** The version most active instances run; "no data" while none is active. */
    public BadgeValue version(String slug) throws SQLException {
        return read(slug, BadgeKind.VERSION, "", application -> BadgeValue.of(
                statistics.mostCommonVersion(application.id()).map(Badges::shownVersion).orElse(NO_VERSION),
                BadgeColor.VERSION));
    }

    /** The sum of a numeric key over the active instances; unknown when none of them reports it as a number. */
    public BadgeValue metric(String slug, String key) throws SQLException {
        if (!couldExist(key, maxKeyLength)) {
            return BadgeValue.UNKNOWN_METRIC;
        }
        return read(slug, BadgeKind.METRIC, key, application -> {
            Optional<BigDecimal> sum = total(application, key);
            return sum.map(value -> BadgeValue.of(CompactNumber.format(value), BadgeColor.forMetric(value)))
                    .orElse(BadgeValue.UNKNOWN_METRIC);
        });
    }

    /** A metric's sum and the number of active instances: {@code 1.2k / 42}. */
    public BadgeValue combined(String slug, String key) throws SQLException {
        String metric = key == null || key.isEmpty() ? DEFAULT_COMBINED_METRIC : key;
        if (!couldExist(metric, maxKeyLength)) {
            return BadgeValue.UNKNOWN_METRIC;
        }
        return read(slug, BadgeKind.COMBINED, metric, application -> {
            Optional<BigDecimal> sum = total(application, metric);
            if (sum.isEmpty()) {
                return BadgeValue.UNKNOWN_METRIC;
            }
            long instances = counts.activeInstances(application.id());
            return BadgeValue.of(CompactNumber.format(sum.get()) + " / " + CompactNumber.format(instances),
                    BadgeColor.COMBINED);
        });
    }

    /** Instances that never said their version (the original's SDKs allow it) run an "unknown" one. */
    static String shownVersion(String version) {
        return version.isBlank() ? UNKNOWN_VERSION : version;
    }

    /**
     * The fleet total of a key, empty when no active instance reports it. Anyone may ask for any key:
     * one the application never reported is answered from its key catalogue, without summing every
     * instance's current value.
     */
    private Optional<BigDecimal> total(ApplicationRef application, String key) throws SQLException {
        if (!keys.mayReport(application.id(), key)) {
            fromCatalogue.increment();
            return Optional.empty();
        }
        fromInstances.increment();
        return statistics.total(application.id(), key).map(NumericStats::sum);
    }

    /** Metric reads answered from the key catalogue (a key never reported), since deployment. */
    public long keyReadsFromCatalogue() {
        return fromCatalogue.sum();
    }

    /** Metric reads that summed the active instances' current values, since deployment. */
    public long keyReadsFromInstances() {
        return fromInstances.sum();
    }

    private BadgeValue read(String slug, BadgeKind kind, String key, Reader reader) throws SQLException {
        if (!couldExist(slug, Application.NAME_MAX)) {
            return BadgeValue.UNKNOWN_APP;
        }
        return cache.get(new BadgeCache.Key(slug, kind, key), () -> {
            Optional<ApplicationRef> application = applications.find(slug);
            return application.isPresent() ? reader.read(application.get()) : BadgeValue.UNKNOWN_APP;
        });
    }

    private static boolean couldExist(String text, int maxLength) {
        return text != null && !text.isEmpty() && text.codePointCount(0, text.length()) <= maxLength
                && text.indexOf('\u0000') < 0;
    }
}
