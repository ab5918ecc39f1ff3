package io.shm.badge.boundary;

import io.shm.platform.IngestStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the badge resource does not answer itself, as an error badge: JAX-RS's own errors (a path
 * that is no badge, a method other than GET) with their status, and defects as 500, logged.
 */
@Provider
@ApplicationScoped
public class BadgeFailureMapper implements ExceptionMapper<Throwable> {

    @Inject
    IngestStats stats;

    @Inject
    Logger log;

    @Override
    public Response toResponse(Throwable thrown) {
        if (thrown instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            String reason = status.getReasonPhrase();
            Response.ResponseBuilder answer = BadgeAnswers.error(status.getStatusCode(), null,
                    reason == null || reason.isBlank() ? "error" : reason.toLowerCase(Locale.ROOT));
            String allow = web.getResponse().getHeaderString(HttpHeaders.ALLOW);
            return (allow == null ? answer : answer.header(HttpHeaders.ALLOW, allow)).build();
        }
        stats.failed(thrown);
        log.log(Level.SEVERE, "Unexpected failure while drawing a badge", thrown);
        return BadgeAnswers.error(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(), null, "error").build();
    }
}
