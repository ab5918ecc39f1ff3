package io.shm.badge.boundary;

import io.shm.badge.control.BadgeColor;
import io.shm.badge.control.BadgeSvg;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * Every badge answer, errors included, is an SVG image: a README's {@code <img>} shows why a badge is
 * missing instead of a broken image. The headers keep the image inert even when it is opened on its
 * own: the browser may not guess another type, and the document may not run scripts or load anything.
 */
final class BadgeAnswers {

    static final String MEDIA_TYPE = "image/svg+xml;charset=utf-8";
    static final String CACHED = "public, max-age=300";
    /** An error should not outlive its cause in a proxy or in GitHub's image cache. */
    static final String NOT_CACHED = "no-cache";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    static final String ERROR_LABEL = "error";

    private BadgeAnswers() {
    }

    static Response.ResponseBuilder badge(String label, String message, String color) {
        return svg(Response.Status.OK.getStatusCode(), BadgeSvg.render(label, message, color), CACHED);
    }

    /** Red, whatever colour was asked for, so that a broken badge looks broken. */
    static Response.ResponseBuilder error(int status, String label, String message) {
        return svg(status, BadgeSvg.render(label == null ? ERROR_LABEL : label, message, BadgeColor.ERROR), NOT_CACHED);
    }

    private static Response.ResponseBuilder svg(int status, String body, String cacheControl) {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(body)
                .header(HttpHeaders.CACHE_CONTROL, cacheControl)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }
}
