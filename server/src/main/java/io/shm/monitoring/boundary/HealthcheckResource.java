package io.shm.monitoring.boundary;

import io.shm.platform.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The SHM clients' liveness probe: public, never rate limited, and cheap. Readiness with a database
 * round-trip is MicroProfile Health's job ({@code /health/ready}).
 */
@Path("v1/healthcheck")
@Tag(name = "health")
public class HealthcheckResource {

    private static final JsonObject OK = JsonSupport.object().add("status", "ok").build();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Answers {\"status\": \"ok\"} while the server runs; /health/ready also checks the database")
    public JsonObject healthcheck() {
        return OK;
    }
}
