package io.shm.publicdashboard.boundary;

import io.shm.platform.IngestStats;
import io.shm.publicdashboard.control.PublicPages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the public page resource does not answer itself, as a page: a path that is no public page is
 * the same 404 as an unknown slug, another method keeps its status; a defect is a 500 whose page and
 * log line carry one correlation id.
 */
@Provider
@ApplicationScoped
public class PublicFailureMapper implements ExceptionMapper<Throwable> {

    @Inject
    IngestStats stats;

    @Inject
    Logger log;

    @Context
    HttpHeaders headers;

    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(Throwable thrown) {
        Locale language = PublicAnswers.language(headers.getAcceptableLanguages());
        String contextPath = request.getContextPath();
        if (thrown instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            if (status == Response.Status.NOT_FOUND.getStatusCode()) {
                return PublicAnswers.notFound(language, contextPath);
            }
            Response.ResponseBuilder answer = PublicAnswers.html(status,
                    PublicPages.message(language, contextPath, "notFound.title", "notFound.text"));
            String allow = web.getResponse().getHeaderString(HttpHeaders.ALLOW);
            return (allow == null ? answer : answer.header(HttpHeaders.ALLOW, allow)).build();
        }
        stats.failed(thrown);
        String correlationId = UUID.randomUUID().toString();
        log.log(Level.SEVERE, "Unexpected failure while drawing a public page, correlation id " + correlationId, thrown);
        return PublicAnswers.html(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(),
                PublicPages.message(language, contextPath, "error.title", "error.text", correlationId)).build();
    }
}
