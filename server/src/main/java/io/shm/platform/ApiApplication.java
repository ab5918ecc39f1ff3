package io.shm.platform;

import io.shm.admin.boundary.AdminApplicationsResource;
import io.shm.admin.boundary.AdminAuthenticationFilter;
import io.shm.admin.boundary.AdminExportResource;
import io.shm.admin.boundary.AdminInstancesResource;
import io.shm.admin.boundary.AdminMaintenanceResource;
import io.shm.admin.boundary.AdminMetricsResource;
import io.shm.admin.boundary.AdminStatsResource;
import io.shm.admin.boundary.AdminTokensResource;
import io.shm.monitoring.boundary.HealthcheckResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The JSON API under {@code /api}: the healthcheck and the admin API. Each public surface of the server (ingest {@code /v1}, API
 * {@code /api}) is its own JAX-RS application with an explicit list of classes, so that nothing is
 * exposed by accident and the dashboard keeps the rest of the URL space.
 */
@ApplicationPath("api")
public class ApiApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(HealthcheckResource.class, ProblemMapper.class,
                AdminAuthenticationFilter.class, AdminStatsResource.class, AdminApplicationsResource.class,
                AdminMetricsResource.class, AdminInstancesResource.class, AdminExportResource.class,
                AdminTokensResource.class, AdminMaintenanceResource.class);
    }
}
