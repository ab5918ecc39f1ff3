package io.shm.monitoring.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Logger;

/**
 * The platform pieces the WAR uses when the server has them, and does without otherwise: on such a
 * server {@code beans.xml} leaves out the classes that name them, and one line at deployment says
 * what is missing and what stands in for it.
 */
@ApplicationScoped
public class OptionalApis {

    record Api(String name, String probe, String without) {
    }

    static final List<Api> APIS = List.of(
            new Api("MicroProfile Metrics", "org.eclipse.microprofile.metrics.MetricRegistry",
                    "the server's /metrics has no shm_* metrics; JMX (io.shm:type=Ingest, Caches, Instances) has the same figures"),
            new Api("MicroProfile Health", "org.eclipse.microprofile.health.HealthCheck",
                    "the server's health endpoints have no database readiness or heap liveness check; GET /api/v1/healthcheck still answers"));

    @Inject
    Logger log;

    void report(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        for (Api api : APIS) {
            if (!available(api.probe())) {
                log.info(() -> api.name() + " is not available on this server: " + api.without());
            }
        }
    }

    /** Whether the server gives the WAR this class (the WAR never ships these APIs itself). */
    static boolean available(String className) {
        try {
            Class.forName(className, false, OptionalApis.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
