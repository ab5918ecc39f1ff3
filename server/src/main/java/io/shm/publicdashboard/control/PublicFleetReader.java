package io.shm.publicdashboard.control;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetSeries;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.control.InstallBase;
import io.shm.aggregation.control.VersionAdoption;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.Distribution;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.aggregation.entity.ValueCount;
import io.shm.application.entity.Application;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what an application's public page shows, from the install base per day, the rollups and the
 * fleet values of the minute job: never a raw snapshot, never an instance row.
 */
@ApplicationScoped
public class PublicFleetReader {

    /** How far back the charts reach. */
    static final Period SPAN = Period.QUARTER;
    /** Versions drawn one by one; the others are summed as "other". */
    static final int TOP_VERSIONS = 6;
    /** Values of a text key or of OS/arch listed one by one. */
    static final int TOP_VALUES = 10;

    @Inject
    FleetCounts counts;

    @Inject
    FleetStatistics statistics;

    @Inject
    FleetSeries rollups;

    @Inject
    ActiveWindow window;

    @Inject
    InstallBase installBase;

    @Inject
    VersionAdoption adoption;

    public PublicFleet read(Application application) throws SQLException {
        long id = application.getId();
        Instant now = window.now();
        Instant from = Bucket.DAY.align(now.minus(SPAN.span()));
        Optional<Distribution> osArch = statistics.metadataDistributions(id, TOP_VALUES).stream()
                .filter(distribution -> distribution.key().equals("os_arch")).findFirst();
        return new PublicFleet(application.getSlug(), application.getName(), application.getLogoUrl(),
                counts.activeInstances(id), statistics.currentAsOf(id).orElse(null), installBase.days(id, SPAN),
                adoption.shares(id, SPAN, TOP_VERSIONS), adoption.timeToHalf(id),
                osArch.map(PublicFleetReader::withOther).orElse(List.of()), keys(id, application.getPublicKeys(), from, now));
    }

    private List<PublicFleet.KeyFigure> keys(long applicationId, List<String> keys, Instant from, Instant to)
            throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<String, Distribution> texts = new LinkedHashMap<>();
        for (Distribution distribution : statistics.valueDistributions(applicationId, TOP_VALUES)) {
            texts.put(distribution.key(), distribution);
        }
        List<PublicFleet.KeyFigure> figures = new ArrayList<>();
        for (String key : keys) {
            Optional<NumericStats> total = statistics.total(applicationId, key);
            if (total.isPresent()) {
                List<PublicFleet.DayTotal> series = new ArrayList<>();
                for (SeriesPoint point : rollups.series(applicationId, key, Bucket.DAY, from, to)) {
                    series.add(new PublicFleet.DayTotal(day(point.bucketStart()), point.sum()));
                }
                figures.add(new PublicFleet.KeyFigure(key, total.get().sum(), total.get().instances(), series, List.of()));
            } else {
                Distribution values = texts.get(key);
                figures.add(new PublicFleet.KeyFigure(key, null, 0, List.of(),
                        values == null ? List.of() : withOther(values)));
            }
        }
        return figures;
    }

    /** A distribution's values, with the instances of the values cut as one last entry with a null value. */
    private static List<ValueCount> withOther(Distribution distribution) {
        List<ValueCount> values = new ArrayList<>(distribution.values());
        if (distribution.otherInstances() > 0) {
            values.add(new ValueCount(null, distribution.otherInstances()));
        }
        return values;
    }

    private static LocalDate day(Instant bucketStart) {
        return bucketStart.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
