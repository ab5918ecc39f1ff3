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
        JsonObjectBuilder body = JsonSupport.object()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("reason", reason);
        if (detail != null) {
            body.add("detail", detail);
        }
        Response.ResponseBuilder response = Response.status(status).type(MEDIA_TYPE).entity(body.build().toString());
        headers.forEach(response::header);
        return response.build();
    }
}
