package io.shm.dashboard.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetKeys;
import io.shm.aggregation.control.FleetSeries;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.control.ValueSpread;
import io.shm.application.entity.ApplicationRef;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.NumberCount;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.badge.control.CompactNumber;
import io.shm.dashboard.control.ChartJson;
import jakarta.annotation.PostConstruct;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.TreeSet;

/**
 * Fleet totals of chosen keys over a period, bucketed (from the rollups), with the number of
 * reporting instances; and how the current values of one key spread across the instances.
 */
@Named
@ViewScoped
public class MetricsView implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int BINS = 10;

    @Inject
    FleetStatistics statistics;

    @Inject
    FleetKeys fleetKeys;

    @Inject
    FleetSeries fleetSeries;

    @Inject
    DashboardContext context;

    @Inject
    ActiveWindow window;

    @Inject
    ValueSpread spread;

    private ApplicationRef current;
    private final List<String> keys = new ArrayList<>();
    private List<String> selected = new ArrayList<>();
    private Period period = Period.WEEK;
    private Bucket bucket;
    private String seriesChart;
    private String histogramChart;
    private NumericStats stats;
    private long keysLeftOut;
    private final List<String> singleValues = new ArrayList<>();
    private String compareKey;
    private String compareChart;

    @PostConstruct
    void init() {
        try {
            current = context.current().orElse(null);
            if (current == null) {
                return;
            }
            // The keys with fleet statistics are the ones the rollup job has seen, and so have series.
            statistics.numbers(current.id()).forEach(stats -> keys.add(stats.key()));
            keysLeftOut = fleetKeys.keysLeftOut(current.id());
            keys.stream().filter(key -> !Format.isSystemKey(key)).findFirst()
                    .or(() -> keys.stream().findFirst()).ifPresent(selected::add);
            compareKey = selected.isEmpty() ? null : selected.get(0);
            refresh();
            compare();
        } catch (SQLException e) {
            throw new IllegalStateException("metrics unavailable (SQL state " + e.getSQLState() + ")", e);
        }
    }

    public void refresh() throws SQLException {
        if (current == null) {
            return;
        }
        selected = selected.stream().filter(keys::contains).limit(6).toList();
        Bucket width = period.drawnWith(bucket);
        Instant to = window.now();
        Instant from = period.start(to, width);
        singleValues.clear();
        TreeSet<Instant> axis = new TreeSet<>();
        Map<String, Map<Instant, SeriesPoint>> byKey = new HashMap<>();
        for (String key : selected) {
            Map<Instant, SeriesPoint> points = new HashMap<>();
            for (SeriesPoint point : fleetSeries.series(current.id(), key, width, from, to)) {
                points.put(point.bucketStart(), point);
                axis.add(point.bucketStart());
            }
            byKey.put(key, points);
        }
        List<String> labels = axis.stream().map(Instant::toString).toList();
        List<ChartJson.Dataset> datasets = new ArrayList<>();
        for (String key : selected) {
            Map<Instant, SeriesPoint> points = byKey.get(key);
            List<BigDecimal> sums = axis.stream().map(t -> points.containsKey(t) ? points.get(t).sum() : null).toList();
            // A series of one point has no line to draw: its point is drawn larger, and its value is written below.
            if (ChartJson.points(sums) == 1) {
                singleValues.add(key + ": " + CompactNumber.format(sums.stream().filter(Objects::nonNull).findFirst().orElseThrow()));
            }
            datasets.add(new ChartJson.Dataset(key, sums, "y", false));
        }
        for (String key : selected) {
            Map<Instant, SeriesPoint> points = byKey.get(key);
            datasets.add(new ChartJson.Dataset(key + " · instances", axis.stream()
                    .map(t -> points.containsKey(t) ? BigDecimal.valueOf(points.get(t).instances()) : null).toList(), "y1", true));
        }
        seriesChart = axis.isEmpty() ? null : ChartJson.line(labels, datasets, true);

        histogramChart = null;
        stats = null;
        if (!selected.isEmpty()) {
            String key = selected.get(0);
            stats = statistics.numbers(current.id()).stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
            Optional<List<NumberCount>> few = spread.fewValues(current.id(), key, BINS);
            if (few.isPresent()) {
                // Few distinct values: a bar per value, labelled with it (one value is one bar).
                histogramChart = ChartJson.bar(few.get().stream().map(v -> CompactNumber.format(v.value())).toList(), key,
                        few.get().stream().map(v -> BigDecimal.valueOf(v.instances())).toList());
            } else {
                statistics.histogram(current.id(), key, BINS).ifPresent(histogram -> histogramChart = binned(key, histogram));
            }
        }
    }

    /** Equal-width bins from the lowest current value to the highest, each labelled with its lower bound. */
    private static String binned(String key, FleetStatistics.Histogram histogram) {
        BigDecimal step = histogram.max().subtract(histogram.min()).divide(BigDecimal.valueOf(BINS), MathContext.DECIMAL64);
        List<String> binLabels = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            BigDecimal low = histogram.min().add(step.multiply(BigDecimal.valueOf(i)));
            binLabels.add("≥ " + CompactNumber.format(low));
        }
        return ChartJson.bar(binLabels, key, histogram.counts().stream().map(BigDecimal::valueOf).toList());
    }

    /**
     * The chosen key's fleet total per day over the last 7 days (today included) against the 7 days
     * before, day by day.
     */
    public void compare() throws SQLException {
        compareChart = null;
        if (current == null || compareKey == null || !keys.contains(compareKey)) {
            return;
        }
        Instant today = Bucket.DAY.align(window.now());
        Instant thisWeek = today.minus(Duration.ofDays(6));
        Instant lastWeek = thisWeek.minus(Duration.ofDays(7));
        Map<Instant, BigDecimal> sums = new HashMap<>();
        for (SeriesPoint point : fleetSeries.series(current.id(), compareKey, Bucket.DAY, lastWeek, window.now())) {
            sums.put(point.bucketStart(), point.sum());
        }
        if (sums.isEmpty()) {
            return;
        }
        List<String> labels = new ArrayList<>();
        List<BigDecimal> now = new ArrayList<>();
        List<BigDecimal> before = new ArrayList<>();
        for (int day = 0; day < 7; day++) {
            Instant at = thisWeek.plus(Duration.ofDays(day));
            labels.add(at.toString());
            now.add(sums.get(at));
            before.add(sums.get(at.minus(Duration.ofDays(7))));
        }
        FacesContext faces = FacesContext.getCurrentInstance();
        ResourceBundle msg = faces.getApplication().getResourceBundle(faces, "msg");
        compareChart = ChartJson.line(labels, List.of(
                new ChartJson.Dataset(msg.getString("metrics.thisWeek"), now, "y", false),
                new ChartJson.Dataset(msg.getString("metrics.lastWeek"), before, "y", true)), false);
    }

    /** "key: value" of each chosen key whose series has a single point. */
    public List<String> getSingleValues() {
        return singleValues;
    }

    public String getCompareKey() {
        return compareKey;
    }

    public void setCompareKey(String compareKey) {
        this.compareKey = compareKey;
    }

    public String getCompareChart() {
        return compareChart;
    }

    /** Keys of the application beyond {@code SHM_MAX_KEYS_PER_APP}, left out of its rollups. */
    public long getKeysLeftOut() {
        return keysLeftOut;
    }

    public ApplicationRef getCurrent() {
        return current;
    }

    public List<String> getKeys() {
        return keys;
    }

    public List<String> getSelected() {
        return selected;
    }

    public void setSelected(List<String> selected) {
        this.selected = selected == null ? new ArrayList<>() : new ArrayList<>(selected);
    }

    public Period getPeriod() {
        return period;
    }

    public void setPeriod(Period period) {
        this.period = period == null ? Period.WEEK : period;
    }

    public Period[] getPeriods() {
        return Period.values();
    }

    public Bucket getBucket() {
        return bucket;
    }

    public void setBucket(Bucket bucket) {
        this.bucket = bucket;
    }

    public Bucket[] getBuckets() {
        return Bucket.values();
    }

    public String getSeriesChart() {
        return seriesChart;
    }

    public String getHistogramChart() {
        return histogramChart;
    }

    public NumericStats getStats() {
        return stats;
    }
}
