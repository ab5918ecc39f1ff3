package io.shm.dashboard.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.application.control.ApplicationDirectory;
import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.control.FleetSeries;
import io.shm.application.entity.ApplicationRef;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.Distribution;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.aggregation.entity.ValueCount;
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
import java.util.List;
import java.util.Map;

/**
 * The overview: every application's fleet at a glance, then the chosen application's KPI cards (one
 * per business key, its fleet total and the change against a week ago) and version share.
 */
@Named
@ViewScoped
public class OverviewView implements Serializable {

    private static final long serialVersionUID = 1L;

    public record ApplicationRow(String slug, String name, InstanceCounts counts) implements Serializable {
    }

    public record Kpi(String key, BigDecimal total, long instances, BigDecimal trend) implements Serializable {
    }

    @Inject
    ApplicationDirectory directory;

    @Inject
    FleetCounts fleetCounts;

    @Inject
    FleetStatistics statistics;

    @Inject
    FleetSeries fleetSeries;

    @Inject
    DashboardContext context;

    @Inject
    ActiveWindow window;

    private final List<ApplicationRow> applications = new ArrayList<>();
    private final List<Kpi> kpis = new ArrayList<>();
    private InstanceCounts counts;
    private ApplicationRef current;
    private String versionChart;
    private InstanceCounts total;

    @PostConstruct
    void load() {
        try {
            Map<Long, InstanceCounts> byApplication = fleetCounts.countsByApplication();
            for (ApplicationRef application : directory.all()) {
                applications.add(new ApplicationRow(application.slug(), application.name(),
                        byApplication.getOrDefault(application.id(), InstanceCounts.NONE)));
            }
            total = fleetCounts.counts(null);
            current = context.current().orElse(null);
            if (current == null) {
                return;
            }
            counts = byApplication.getOrDefault(current.id(), InstanceCounts.NONE);
            Instant now = window.now();
            Instant weekAgo = Bucket.DAY.align(now.minus(Duration.ofDays(7)));
            Map<String, List<SeriesPoint>> then = fleetSeries.allSeries(current.id(), null, Bucket.DAY, weekAgo,
                    weekAgo.plus(Duration.ofDays(1)));
            for (NumericStats stats : statistics.numbers(current.id())) {
                if (Format.isSystemKey(stats.key())) {
                    continue;
                }
                BigDecimal trend = null;
                List<SeriesPoint> past = then.get(stats.key());
                if (past != null && !past.isEmpty() && past.get(0).sum() != null && past.get(0).sum().signum() != 0) {
                    BigDecimal before = past.get(0).sum();
                    trend = stats.sum().subtract(before).divide(before.abs(), MathContext.DECIMAL64);
                }
                kpis.add(new Kpi(stats.key(), stats.sum(), stats.instances(), trend));
            }
            List<String> labels = new ArrayList<>();
            List<BigDecimal> values = new ArrayList<>();
            for (Distribution distribution : statistics.metadataDistributions(current.id(), 10)) {
                if (distribution.key().equals("app_version")) {
                    for (ValueCount count : distribution.values()) {
                        // Instances that never said their version are one slice of their own.
                        labels.add(count.value() == null || count.value().isBlank() ? unknownVersion() : count.value());
                        values.add(BigDecimal.valueOf(count.instances()));
                    }
                    if (distribution.otherInstances() > 0) {
                        labels.add("…");
                        values.add(BigDecimal.valueOf(distribution.otherInstances()));
                    }
                }
            }
            versionChart = labels.isEmpty() ? null : ChartJson.doughnut(labels, values);
        } catch (SQLException e) {
            throw new IllegalStateException("the overview could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    private static String unknownVersion() {
        FacesContext faces = FacesContext.getCurrentInstance();
        return faces.getApplication().getResourceBundle(faces, "msg").getString("version.unknown");
    }

    public List<ApplicationRow> getApplications() {
        return applications;
    }

    public List<Kpi> getKpis() {
        return kpis;
    }

    public InstanceCounts getCounts() {
        return counts;
    }

    public InstanceCounts getTotal() {
        return total;
    }

    public ApplicationRef getCurrent() {
        return current;
    }

    public String getVersionChart() {
        return versionChart;
    }

    public boolean isNoApplications() {
        return applications.isEmpty();
    }
}
