package io.shm.dashboard.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.control.FleetKeys;
import io.shm.aggregation.control.FleetSeries;
import io.shm.application.entity.ApplicationRef;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.badge.control.CompactNumber;
import io.shm.dashboard.control.ChartJson;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private ApplicationRef current;
    private final List<String> keys = new ArrayList<>();
    private List<String> selected = new ArrayList<>();
    private Period period = Period.WEEK;
    private Bucket bucket;
    private String seriesChart;
    private String histogramChart;
    private NumericStats stats;
    private long keysLeftOut;

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
            refresh();
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
            datasets.add(new ChartJson.Dataset(key, axis.stream().map(t -> points.containsKey(t) ? points.get(t).sum() : null).toList(), "y", false));
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
            statistics.histogram(current.id(), key, BINS).ifPresent(histogram -> {
                BigDecimal step = histogram.max().subtract(histogram.min()).divide(BigDecimal.valueOf(BINS), MathContext.DECIMAL64);
                List<String> binLabels = new ArrayList<>();
                for (int i = 0; i < BINS; i++) {
                    BigDecimal low = histogram.min().add(step.multiply(BigDecimal.valueOf(i)));
                    binLabels.add("≥ " + CompactNumber.format(low));
                }
                histogramChart = ChartJson.bar(binLabels, key, histogram.counts().stream().map(BigDecimal::valueOf).toList());
            });
        }
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
