package io.shm.ingest.boundary;

import io.shm.platform.ProblemMapper;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The SHM wire protocol under {@code /v1}, as the existing Go and Node.js clients speak it. */
@ApplicationPath("v1")
public class IngestApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(RegisterResource.class, ActivateResource.class, SnapshotResource.class,
                IngestRequestFilter.class, IngestLatencyFilter.class, ProblemMapper.class);
    }
}
