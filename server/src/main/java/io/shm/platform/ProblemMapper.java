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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every exception that leaves a resource becomes a small problem+json body: refusals with their
 * reason, JAX-RS's own errors (404, 405, 406...) with theirs, a database outage as 503 with
 * Retry-After. Anything else is a defect: logged, and answered 500 without a stack trace.
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
        if (isDatabaseFailure(thrown)) {
            stats.refused(Refusal.DATABASE_UNAVAILABLE);
            log.log(Level.WARNING, "Database unavailable: {0}", rootMessage(thrown));
            return Problems.of(Refusal.DATABASE_UNAVAILABLE, null, Map.of("Retry-After", RETRY_AFTER_SECONDS));
        }
        stats.failed(thrown);
        log.log(Level.SEVERE, "Unexpected failure while serving a request", thrown);
        return Problems.of(500, "internal_error", "Internal Server Error", null, Map.of());
    }

    /** A JDBC failure anywhere in the chain, as JPA, JTA and the pool wrap it. */
    public static boolean isDatabaseFailure(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            if (t instanceof SQLException
                    || type.startsWith("jakarta.resource.")
                    // a commit that failed: the database went away during the transaction
                    || type.startsWith("jakarta.transaction.")
                    || type.equals("org.eclipse.persistence.exceptions.DatabaseException")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root instanceof SQLException sql ? " " + sql.getSQLState() : "");
    }
}
