package io.shm.publicdashboard.boundary;

import io.shm.platform.DatabaseFailure;
import io.shm.platform.ProblemMapper;
import io.shm.platform.RefusedException;
import io.shm.publicdashboard.control.PublicPages;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.ratelimit.control.RequestOrigin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /public/{slug}}: an application's fleet for anyone, when its maintainer switched the page
 * on. Rate limited per client address before anything is looked up, so that an unknown slug and a page
 * that is off cost the same and answer the same 404.
 */
@Path("{slug}")
@RequestScoped
@Tag(name = "public")
public class PublicDashboardResource {

    @Inject
    PublicPages pages;

    @Inject
    RateLimiter limiter;

    @Inject
    RequestOrigin origin;

    @Inject
    Logger log;

    @Context
    HttpHeaders headers;

    @Context
    Request request;

    @Context
    HttpServletRequest servletRequest;

    @GET
    @Operation(summary = "An application's public page: install base, version adoption, OS/arch and the keys its maintainer chose")
    @APIResponse(responseCode = "200", description = "The page (HTML), cacheable, with an ETag",
            content = @Content(mediaType = "text/html", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "404", description = "No application with this slug, or its public page is off: the same answer",
            content = @Content(mediaType = "text/html", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "429", description = "Too many requests from this address, with Retry-After",
            content = @Content(mediaType = "text/html", schema = @Schema(type = SchemaType.STRING)))
    public Response page(@PathParam("slug") String slug) {
        Locale language = PublicAnswers.language(headers.getAcceptableLanguages());
        String contextPath = servletRequest.getContextPath();
        try {
            limiter.acquire(RateLimiter.Scope.PUBLIC, origin.address());
        } catch (RefusedException e) {
            Response.ResponseBuilder answer = PublicAnswers.html(429, PublicPages.message(language, contextPath,
                    "rateLimited.title", "rateLimited.text", Long.parseLong(e.headers().get("Retry-After"))));
            e.headers().forEach(answer::header);
            return answer.build();
        }
        Optional<PublicPages.Page> page;
        try {
            page = pages.page(slug, language, contextPath);
        } catch (SQLException | RuntimeException e) {
            return failed(e, language, contextPath);
        }
        if (page.isEmpty()) {
            return PublicAnswers.notFound(language, contextPath);
        }
        EntityTag etag = new EntityTag(page.get().etag());
        String cacheControl = "public, max-age=" + pages.cacheSeconds();
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.header(HttpHeaders.CACHE_CONTROL, cacheControl)
                    .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_LANGUAGE).build();
        }
        return PublicAnswers.html(200, page.get().body(), cacheControl).tag(etag).build();
    }

    private Response failed(Exception e, Locale language, String contextPath) {
        switch (DatabaseFailure.of(e)) {
            case UNAVAILABLE -> {
                log.log(Level.WARNING, "Database unavailable for a public page: {0}", e.getClass().getSimpleName());
                return PublicAnswers.html(503, PublicPages.message(language, contextPath, "unavailable.title", "unavailable.text"))
                        .header("Retry-After", ProblemMapper.RETRY_AFTER_SECONDS).build();
            }
            case REFUSED_VALUE -> {
                // A slug the database cannot compare with anything names no application.
                return PublicAnswers.notFound(language, contextPath);
            }
            default -> throw e instanceof RuntimeException unexpected ? unexpected : new IllegalStateException(e);
        }
    }
}
