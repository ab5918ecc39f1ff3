package io.shm.ingest.boundary;

import io.shm.ingest.control.IngestLatency;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Times every ingest request, accepted or refused, from before its body is read until its answer is
 * ready, into {@link IngestLatency}: {@code shm_ingest_latency_seconds{endpoint="register|activate|snapshot"}}
 * in {@code /metrics} where the server has MicroProfile Metrics. The first filter to run, so that the
 * time covers reading the body, the signature and the limits.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
@ApplicationScoped
public class IngestLatencyFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String STARTED = IngestLatencyFilter.class.getName() + ".started";

    @Inject
    IngestLatency latency;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(STARTED) instanceof Long started) {
            latency.record(endpoint(request.getUriInfo().getPath()), System.nanoTime() - started);
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
