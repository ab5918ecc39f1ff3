package io.shm.publicdashboard.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The public pages under {@code /public}: no login, no token, HTML only. A JAX-RS application of their
 * own, so that even their errors are pages rather than the JSON problems of {@code /api}.
 */
@ApplicationPath("public")
public class PublicDashboardApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(PublicDashboardResource.class, PublicFailureMapper.class);
    }
}
