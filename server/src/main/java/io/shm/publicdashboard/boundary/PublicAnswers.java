package io.shm.publicdashboard.boundary;

import io.shm.publicdashboard.control.PublicPages;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/**
 * The headers of every answer under {@code /public}. The pages hold no script, so their policy allows
 * none at all; styles and images come from this server only (a logo may be any https image, as on the
 * dashboard). A page is public and may be cached; a refusal may not.
 */
final class PublicAnswers {

    static final String MEDIA_TYPE = "text/html;charset=utf-8";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' https:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String NOT_CACHED = "no-cache";

    private PublicAnswers() {
    }

    /** A page that may not be cached. */
    static Response.ResponseBuilder html(int status, byte[] body) {
        return html(status, body, NOT_CACHED);
    }

    static Response.ResponseBuilder html(int status, byte[] body, String cacheControl) {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(body)
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_LANGUAGE)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer");
    }

    /**
     * The one answer for a slug without a public page, whether no application has it or its page is
     * off: nothing in it tells the two apart.
     */
    static Response notFound(Locale language, String contextPath) {
        return html(Response.Status.NOT_FOUND.getStatusCode(),
                PublicPages.message(language, contextPath, "notFound.title", "notFound.text")).build();
    }

    /** The first language the client accepts that the page speaks; English otherwise. */
    static Locale language(List<Locale> acceptable) {
        for (Locale wanted : acceptable) {
            for (Locale spoken : PublicPages.LANGUAGES) {
                if (spoken.getLanguage().equals(wanted.getLanguage())) {
                    return spoken;
                }
            }
        }
        return PublicPages.LANGUAGES.get(0);
    }
}
