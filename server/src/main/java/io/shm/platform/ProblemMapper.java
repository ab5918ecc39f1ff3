package io.shm.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every exception that leaves a resource becomes a small problem+json body: refusals with their
 * reason, JAX-RS's own errors (404, 405, 406...) with theirs, and database failures by their cause
 * ({@link DatabaseFailure}): an outage as 503 with Retry-After, a value the database refuses as 400
 * {@code unstorable_value}, a lost race as 409 {@code concurrent_change}. Anything else is a defect:
 * logged once with its stack trace and a correlation id, and answered 500 {@code internal_error} with
 * that id and nothing more.
 */
@Provider
@ApplicationScoped
public class ProblemMapper implements ExceptionMapper<Throwable> {

    public static final String RETRY_AFTER_SECONDS = "30";

    @Inject
    IngestStats stats;

    @Inject
    Logger log;

    @Override
    public Response toResponse(Throwable thrown) {
        if (thrown instanceof RefusedException refused) {
            stats.refused(refused.refusal());
            return Problems.of(refused.refusal(), refused.detail(), refused.headers());
        }
        if (thrown instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            String reason = status.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '_');
            // A 405 says which methods are allowed; the problem body must not lose that.
            String allow = web.getResponse().getHeaderString(HttpHeaders.ALLOW);
            return Problems.of(status.getStatusCode(), reason, status.getReasonPhrase(), null,
                    allow == null ? Map.of() : Map.of(HttpHeaders.ALLOW, allow));
        }
        switch (DatabaseFailure.of(thrown)) {
            case UNAVAILABLE -> {
                stats.refused(Refusal.DATABASE_UNAVAILABLE);
                log.log(Level.WARNING, "Database unavailable: {0}", rootMessage(thrown));
                return Problems.of(Refusal.DATABASE_UNAVAILABLE, null, Map.of("Retry-After", RETRY_AFTER_SECONDS));
            }
            case REFUSED_VALUE -> {
                return refusedByDatabase(Refusal.UNSTORABLE_VALUE, thrown);
            }
            case CONFLICT -> {
                return refusedByDatabase(Refusal.CONCURRENT_CHANGE, thrown);
            }
            default -> {
                return internalError(thrown);
            }
        }
    }

    /** The SQL state says which rule was broken; the driver's message could echo the request's data, so it stays in the log. */
    private Response refusedByDatabase(Refusal refusal, Throwable thrown) {
        stats.refused(refusal);
        String state = DatabaseFailure.sqlState(thrown);
        log.log(Level.FINE, "Database refused a request ({0}): {1}", new Object[] {state, rootMessage(thrown)});
        return Problems.of(refusal, state == null ? null : "SQL state " + state, Map.of());
    }

    private Response internalError(Throwable thrown) {
        stats.failed(thrown);
        String correlationId = UUID.randomUUID().toString();
        log.log(Level.SEVERE, "Unexpected failure while serving a request, correlation id " + correlationId, thrown);
        return Problems.internalError(correlationId);
    }

    private static String rootMessage(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root instanceof SQLException sql ? " " + sql.getSQLState() : "");
    }
}
