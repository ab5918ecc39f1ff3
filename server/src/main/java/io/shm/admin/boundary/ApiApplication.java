package io.shm.admin.boundary;

import io.shm.monitoring.boundary.HealthcheckResource;
import io.shm.platform.ProblemMapper;
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
