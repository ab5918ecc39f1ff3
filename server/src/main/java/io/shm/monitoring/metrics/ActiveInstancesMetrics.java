package io.shm.monitoring.metrics;

import io.shm.aggregation.control.FleetCounts;
import io.shm.monitoring.control.ActiveInstanceCounts;
import io.shm.persistence.control.SchemaMigration;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * appears meanwhile gets its gauge at the next reading. Readings are never concurrent (a fixed-delay
 * schedule), and need no transaction. A CDI bean rather than an EJB, so that a server without
 * MicroProfile Metrics, where {@code beans.xml} leaves this package out, never loads it.
 */
@ApplicationScoped
public class ActiveInstancesMetrics {

    static final String NAME = "shm.instances.active";
    static final String TAG = "application";

    private static final Metadata METADATA = Metadata.builder().withName(NAME)
            .withDescription("Active instances of each application (activated, not revoked, seen within shm.active-days),"
                    + " as of the last refresh").build();

    @Inject
    FleetCounts fleet;

    @Inject
    SchemaMigration migration;

    @Inject
    MetricRegistry registry;

    @Inject
    @ConfigProperty(name = "shm.metrics.refresh-seconds", defaultValue = "60")
    int refreshSeconds;

    @Inject
    Logger log;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final ActiveInstanceCounts counts = new ActiveInstanceCounts();
    private ScheduledFuture<?> readings;

    void start(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        // Waits for the schema: the first reading needs the tables.
        migration.isApplied();
        refresh();
        long interval = Math.max(1, refreshSeconds);
        readings = scheduler.scheduleWithFixedDelay(this::refresh, interval, interval, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (readings != null) {
            readings.cancel(false);
        }
    }

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
