package io.shm.dashboard.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetBreakdown;
import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.control.InstallBase;
import io.shm.aggregation.control.KeyTrends;
import io.shm.aggregation.control.VersionAdoption;
import io.shm.aggregation.entity.Distribution;
import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.aggregation.entity.KeyTrend;
import io.shm.aggregation.entity.NumericStats;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.aggregation.entity.TimeToHalf;
import io.shm.aggregation.entity.ValueCount;
import io.shm.aggregation.entity.VersionShares;
import io.shm.application.control.ApplicationSettings;
import io.shm.application.control.StarsRefresher;
import io.shm.application.control.StarsResult;
import io.shm.application.entity.Application;
import io.shm.application.entity.ApplicationRef;
import io.shm.dashboard.control.ChartJson;
import io.shm.dashboard.control.Sparkline;
import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * The Overview of one application, built around time: its header (logo, GitHub stars, instances,
 * when the data was computed), the active instances per day with new and churned instances below,
 * the share of each version per day and how fast a new version reaches half of the fleet, what the
 * instances run on, and one card per business key with its sparkline and change over the period.
 * Everything comes from the rollups and the install base tables, never from raw snapshots.
 */
@Named
@ViewScoped
public class OverviewView implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Versions drawn one by one in the adoption chart; the others are one area. */
    static final int TOP_VERSIONS = 6;

    /**
     * Key cards shown unless {@code ?keys=all} asks for every one: those that most instances report. A fleet
     * with hundreds of feature keys would otherwise make the page a long wall of cards, slow to draw.
     */
    static final int KEY_CARDS = 24;

    /** The periods offered, by the label of their {@code ?period=} parameter. */
    static final Map<String, Period> PERIODS = periods();

    public record Kpi(String key, BigDecimal total, long instances, BigDecimal change, String sparkline, String lastPoint,
                      int points) implements Serializable {
    }

    public record Share(String value, long instances, BigDecimal percent) implements Serializable {
    }

    public record Card(String key, List<Share> values) implements Serializable {
    }

    public record Header(String logoUrl, String githubUrl, Integer stars, Instant starsUpdatedAt) implements Serializable {
    }

    @Inject
    FleetCounts fleetCounts;

    @Inject
    FleetStatistics statistics;

    @Inject
    InstallBase installBase;

    @Inject
    VersionAdoption adoption;

    @Inject
    KeyTrends keyTrends;

    @Inject
    FleetBreakdown breakdown;

    @Inject
    ApplicationSettings settings;

    @Inject
    StarsRefresher stars;

    @Inject
    DashboardContext context;

    @Inject
    ActiveWindow window;

    private final List<Kpi> kpis = new ArrayList<>();
    private final List<Card> cards = new ArrayList<>();
    private InstanceCounts counts;
    private ApplicationRef current;
    private Header header;
    private String periodLabel = "30d";
    private Period period = Period.MONTH;
    private Instant dataAsOf;
    private String installBaseChart;
    private String flowChart;
    private int installBaseDays;
    private String versionChart;
    private int versionDays;
    private TimeToHalf timeToHalf;
    private boolean noApplications;
    private boolean allKeys;
    private int keyCount;

    @PostConstruct
    void load() {
        try {
            Map<String, String> parameters = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap();
            String requested = parameters.get("period");
            allKeys = "all".equals(parameters.get("keys"));
            if (requested != null && PERIODS.containsKey(requested)) {
                periodLabel = requested;
                period = PERIODS.get(requested);
            }
            current = context.current().orElse(null);
            if (current == null) {
                noApplications = true;
                return;
            }
            counts = fleetCounts.counts(current.id());
            dataAsOf = statistics.currentAsOf(current.id()).orElse(window.now());
            header = settings.find(current.slug()).map(OverviewView::header).orElse(new Header(null, null, null, null));
            loadInstallBase();
            loadVersions();
            loadCards();
            loadKpis();
        } catch (SQLException e) {
            throw new IllegalStateException("the overview could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    private static Header header(Application application) {
        return new Header(application.getLogoUrl(), application.getGithubUrl(), application.getGithubStars(),
                application.getGithubStarsUpdatedAt());
    }

    private void loadInstallBase() throws SQLException {
        List<InstallBaseDay> days = installBase.days(current.id(), period);
        installBaseDays = days.size();
        if (days.isEmpty()) {
            return;
        }
        List<String> labels = days.stream().map(day -> day.day().toString()).toList();
        ResourceBundle msg = messages();
        installBaseChart = ChartJson.counts(labels, List.of(new ChartJson.Dataset(msg.getString("overview.active"),
                days.stream().map(day -> BigDecimal.valueOf(day.active())).toList(), "y", false)));
        flowChart = ChartJson.bars(labels, List.of(
                new ChartJson.Dataset(msg.getString("overview.new"),
                        days.stream().map(day -> BigDecimal.valueOf(day.newInstances())).toList(), "y", false),
                new ChartJson.Dataset(msg.getString("overview.churned"),
                        days.stream().map(day -> BigDecimal.valueOf(day.churned())).toList(), "y", false)),
                List.of("#10B981", "#EF4444"));
    }

    private void loadVersions() throws SQLException {
        VersionShares shares = adoption.shares(current.id(), period, TOP_VERSIONS);
        versionDays = shares.days().size();
        timeToHalf = adoption.timeToHalf(current.id());
        if (shares.days().isEmpty()) {
            return;
        }
        List<String> labels = shares.days().stream().map(day -> day.day().toString()).toList();
        List<ChartJson.Dataset> datasets = new ArrayList<>();
        for (int column = 0; column < shares.columns(); column++) {
            int c = column;
            String label = column < shares.versions().size() ? versionLabel(shares.versions().get(column))
                    : messages().getString("overview.otherVersions");
            datasets.add(new ChartJson.Dataset(label, shares.days().stream().map(day -> day.percents().get(c)).toList(),
                    "y", false));
        }
        versionChart = ChartJson.stackedPercent(labels, datasets);
    }

    private void loadCards() throws SQLException {
        for (Distribution distribution : breakdown.distributions(current.id())) {
            List<Long> counts = new ArrayList<>(distribution.values().stream().map(ValueCount::instances).toList());
            counts.add(distribution.otherInstances());
            List<BigDecimal> percents = VersionAdoption.percentages(counts);
            List<Share> shares = new ArrayList<>();
            for (int i = 0; i < distribution.values().size(); i++) {
                ValueCount value = distribution.values().get(i);
                shares.add(new Share(value.value(), value.instances(), percents.get(i)));
            }
            cards.add(new Card(distribution.key(), shares));
        }
    }

    private void loadKpis() throws SQLException {
        List<NumericStats> shown = new ArrayList<>(statistics.numbers(current.id()).stream()
                .filter(stats -> !Format.isSystemKey(stats.key()))
                .sorted(Comparator.comparingLong(NumericStats::instances).reversed().thenComparing(NumericStats::key))
                .toList());
        keyCount = shown.size();
        if (!allKeys && shown.size() > KEY_CARDS) {
            shown = shown.subList(0, KEY_CARDS);
        }
        if (shown.isEmpty()) {
            return;
        }
        Map<String, KeyTrend> trends = new LinkedHashMap<>();
        for (KeyTrend trend : keyTrends.trends(current.id(), period)) {
            trends.put(trend.key(), trend);
        }
        for (NumericStats stats : shown) {
            KeyTrend trend = trends.get(stats.key());
            List<BigDecimal> sums = trend == null ? List.of() : trend.points().stream().map(SeriesPoint::sum).toList();
            String points = Sparkline.points(sums);
            kpis.add(new Kpi(stats.key(), stats.sum(), stats.instances(), trend == null ? null : trend.change(),
                    points, Sparkline.last(points), sums.size()));
        }
    }

    /** Asks GitHub for the stars now, then shows the page again with them. */
    public void refreshStars() throws SQLException {
        FacesContext faces = FacesContext.getCurrentInstance();
        ApplicationRef application = context.current().orElse(null);
        if (application == null) {
            return;
        }
        Optional<StarsResult> result = stars.refresh(application.slug());
        ResourceBundle msg = messages();
        if (result.isEmpty()) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN, msg.getString("overview.noRepository"), null));
            return;
        }
        switch (result.get().status()) {
            case OK -> faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO,
                    java.text.MessageFormat.format(msg.getString("overview.starsRefreshed"), result.get().stars()), null));
            case RATE_LIMITED -> faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN,
                    msg.getString("overview.starsRateLimited"), null));
            default -> faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN,
                    msg.getString("overview.starsFailed"), null));
        }
        settings.find(application.slug()).ifPresent(found -> header = header(found));
    }

    private static String versionLabel(String version) {
        return version == null || version.isBlank() ? messages().getString("version.unknown") : version;
    }

    private static ResourceBundle messages() {
        FacesContext faces = FacesContext.getCurrentInstance();
        return faces.getApplication().getResourceBundle(faces, "msg");
    }

    private static Map<String, Period> periods() {
        Map<String, Period> periods = new LinkedHashMap<>();
        periods.put("7d", Period.WEEK);
        periods.put("30d", Period.MONTH);
        periods.put("90d", Period.QUARTER);
        periods.put("1y", Period.YEAR);
        periods.put("all", Period.ALL);
        return periods;
    }

    public int getActiveDays() {
        return window.days();
    }

    public List<String> getPeriodLabels() {
        return List.copyOf(PERIODS.keySet());
    }

    public String getPeriodLabel() {
        return periodLabel;
    }

    public Period getPeriod() {
        return period;
    }

    public Period periodOf(String label) {
        return PERIODS.get(label);
    }

    public List<Kpi> getKpis() {
        return kpis;
    }

    /** Business keys the fleet reports, shown or not. */
    public int getKeyCount() {
        return keyCount;
    }

    /** Keys left out of the cards: 0 when every one is shown. */
    public int getHiddenKeys() {
        return keyCount - kpis.size();
    }

    public boolean isAllKeys() {
        return allKeys;
    }

    public List<Card> getCards() {
        return cards;
    }

    public InstanceCounts getCounts() {
        return counts;
    }

    public ApplicationRef getCurrent() {
        return current;
    }

    public Header getHeader() {
        return header;
    }

    public Instant getDataAsOf() {
        return dataAsOf;
    }

    public String getInstallBaseChart() {
        return installBaseChart;
    }

    public String getFlowChart() {
        return flowChart;
    }

    public int getInstallBaseDays() {
        return installBaseDays;
    }

    public String getVersionChart() {
        return versionChart;
    }

    public int getVersionDays() {
        return versionDays;
    }

    public TimeToHalf getTimeToHalf() {
        return timeToHalf;
    }

    public boolean isNoApplications() {
        return noApplications;
    }
}
