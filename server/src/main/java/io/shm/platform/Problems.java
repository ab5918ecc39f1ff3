package io.shm.platform;


import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** RFC 9457 problem details, the body of every error answer. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static Response of(Refusal refusal, String detail, Map<String, String> headers) {
        return of(refusal.status(), refusal.code(), refusal.title(), detail, headers);
    }

    public static Response of(int status, String reason, String title, String detail, Map<String, String> headers) {
        return of(status, reason, title, detail, headers, JsonSupport.object());
    }

    /**
     * A 500: the server failed, not the request. The answer carries only the correlation id that the
     * server's log line (with the stack trace) carries too, so that an operator can find it.
     */
    public static Response internalError(String correlationId) {
        return of(500, "internal_error", "Internal Server Error", null, Map.of(),
                JsonSupport.object().add("correlation_id", correlationId));
    }

    private static Response of(int status, String reason, String title, String detail, Map<String, String> headers,
                               JsonObjectBuilder extra) {
        JsonObjectBuilder body = JsonSupport.object()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("reason", reason);
        if (detail != null) {
            body.add("detail", detail);
        }
        body.addAll(extra);
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE).entity(body.build().toString());
        headers.forEach(response::header);
        return response.build();
    }
}
