package io.shm.ingest.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Times every ingest request, accepted or refused, from before its body is read until its answer is
 * ready: {@code shm_ingest_latency_seconds{endpoint="register|activate|snapshot"}} in {@code /metrics}.
 * The first filter to run, so that the time covers reading the body, the signature and the limits.
 * Its histogram buckets are {@code mp.metrics.distribution.timer.buckets} in
 * {@code microprofile-config.properties}.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
@ApplicationScoped
public class IngestLatencyFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String NAME = "shm.ingest.latency";
    static final String[] ENDPOINTS = {"register", "activate", "snapshot"};
    private static final String STARTED = IngestLatencyFilter.class.getName() + ".started";

    @Inject
    MetricRegistry registry;

    private final Map<String, Timer> timers = new HashMap<>();

    @PostConstruct
    void register() {
        // A timer records nanoseconds; declared so, Payara prints it in seconds with the _seconds suffix.
        Metadata metadata = Metadata.builder().withName(NAME).withUnit(MetricUnits.NANOSECONDS)
                .withDescription("Time to answer an ingest request, accepted or refused, by endpoint").build();
        for (String endpoint : ENDPOINTS) {
            timers.put(endpoint, registry.timer(metadata, new Tag("endpoint", endpoint)));
        }
    }

    /** Created with the deployment, so that {@code /metrics} lists the timers before the first request. */
    void deployed(@Observes @Initialized(ApplicationScoped.class) Object deployed) {
        // the observer's bean is created, and registers its timers, before this is called
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Timer timer = timers.get(endpoint(request.getUriInfo().getPath()));
        if (timer != null && request.getProperty(STARTED) instanceof Long started) {
            timer.update(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** {@code /register} and {@code register/} alike name the endpoint {@code register}. */
    static String endpoint(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
