package io.shm.dashboard.boundary;

import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.InstallBase;
import io.shm.aggregation.control.KeyTrends;
import io.shm.aggregation.control.VersionAdoption;
import io.shm.aggregation.entity.InstallBaseDay;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.aggregation.entity.LatestVersion;
import io.shm.aggregation.entity.Period;
import io.shm.application.control.ApplicationDirectory;
import io.shm.application.control.ApplicationSettings;
import io.shm.application.entity.ApplicationRef;
import io.shm.application.entity.Application;
import io.shm.dashboard.control.Sparkline;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every application on one page: its logo, active instances, a sparkline of the last 30 days and the
 * growth over them, its newest version and the share of the fleet already on it. Each row links to the
 * application's Overview.
 */
@Named
@ViewScoped
public class FleetView implements Serializable {

    private static final long serialVersionUID = 1L;

    public record Row(String slug, String name, String logoUrl, InstanceCounts counts, String sparkline, int points,
                      BigDecimal growth, LatestVersion latest) implements Serializable {
    }

    @Inject
    FleetCounts fleetCounts;

    @Inject
    ApplicationDirectory directory;

    @Inject
    InstallBase installBase;

    @Inject
    VersionAdoption adoption;

    @Inject
    ApplicationSettings settings;

    private final List<Row> rows = new ArrayList<>();

    @PostConstruct
    void load() {
        try {
            Map<Long, InstanceCounts> counts = fleetCounts.countsByApplication();
            Map<Long, List<InstallBaseDay>> days = installBase.daysByApplication(Period.MONTH);
            Map<Long, LatestVersion> latest = adoption.latestByApplication();
            Map<String, String> logos = new HashMap<>();
            for (Application application : settings.all()) {
                if (application.getLogoUrl() != null) {
                    logos.put(application.getSlug(), application.getLogoUrl());
                }
            }
            for (ApplicationRef application : directory.all()) {
                List<BigDecimal> active = days.getOrDefault(application.id(), List.of()).stream()
                        .map(day -> BigDecimal.valueOf(day.active())).toList();
                BigDecimal growth = active.size() < 2 ? null
                        : KeyTrends.change(active.get(0), active.get(active.size() - 1));
                rows.add(new Row(application.slug(), application.name(), logos.get(application.slug()),
                        counts.getOrDefault(application.id(), InstanceCounts.NONE), Sparkline.points(active),
                        active.size(), growth, latest.get(application.id())));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the applications could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    public List<Row> getRows() {
        return rows;
    }
}
