package io.shm.badge.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The public SVG badges under {@code /badge}: no token, nothing but images. A JAX-RS application of
 * their own, so that even their errors are images rather than the JSON problems of {@code /api}.
 */
@ApplicationPath("badge")
public class BadgeApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(BadgeResource.class, BadgeFailureMapper.class);
    }
}
