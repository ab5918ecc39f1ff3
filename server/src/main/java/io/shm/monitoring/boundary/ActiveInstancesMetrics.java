package io.shm.monitoring.boundary;

import io.shm.aggregation.control.FleetQueries;
import io.shm.monitoring.control.ActiveInstanceCounts;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * {@code shm_instances_active{application="slug"}} in {@code /metrics}: the active instances of each
 * application. A scrape must not cost a database query, so the counts are read every
 * {@code shm.metrics.refresh-seconds} and the gauges show the latest reading; an application that
 * appears meanwhile gets its gauge at the next reading. Readings are never concurrent (one timer), and
 * need no transaction.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class ActiveInstancesMetrics {

    static final String NAME = "shm.instances.active";
    static final String TAG = "application";

    private static final Metadata METADATA = Metadata.builder().withName(NAME)
            .withDescription("Active instances of each application (activated, not revoked, seen within shm.active-days),"
                    + " as of the last refresh").build();

    @Inject
    FleetQueries fleet;

    @Inject
    MetricRegistry registry;

    @Inject
    @ConfigProperty(name = "shm.metrics.refresh-seconds", defaultValue = "60")
    int refreshSeconds;

    @Inject
    Logger log;

    @Resource
    TimerService timers;

    private final ActiveInstanceCounts counts = new ActiveInstanceCounts();

    @PostConstruct
    void start() {
        refresh();
        long interval = Math.max(1, refreshSeconds) * 1000L;
        timers.createIntervalTimer(interval, interval, new TimerConfig("active instances metrics", false));
    }

    @Timeout
    void refresh() {
        try {
            for (String slug : counts.update(fleet.activeInstancesBySlug())) {
                registry.gauge(METADATA, counts, c -> c.get(slug), new Tag(TAG, slug));
            }
        } catch (SQLException e) {
            // The gauges keep the previous reading; readiness reports the outage.
            log.log(Level.WARNING, "Could not read active instances for the metrics (SQL state {0})", e.getSQLState());
        }
    }
}
