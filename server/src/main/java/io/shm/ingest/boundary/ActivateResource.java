package io.shm.ingest.boundary;

import io.shm.ingest.control.IngestLimits;
import io.shm.instance.control.Activation;
import io.shm.instance.entity.Instance;
import io.shm.platform.IngestStats;
import io.shm.platform.JsonSupport;
import io.shm.ratelimit.control.RateLimited;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.signature.control.IngestRequest;
import io.shm.signature.control.SignedRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /v1/activate}: signed; any JSON object as body. Activating an active instance succeeds too. */
@Tag(name = "ingest")
@Path("activate")
@ApplicationScoped
public class ActivateResource {

    @Inject
    IngestRequest request;

    @Inject
    IngestLimits limits;

    @Inject
    Activation activation;

    @Inject
    IngestStats stats;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @RateLimited(RateLimiter.Scope.ACTIVATE)
    @SignedRequest
    @Operation(summary = "Activate a registered instance", description = "Signed; any JSON object as body."
            + " Activating an active instance succeeds too.")
    @Parameter(name = "X-Instance-ID", in = ParameterIn.HEADER, required = true, description = "The signing instance's id",
            schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "X-Signature", in = ParameterIn.HEADER, required = true,
            description = "Ed25519 signature of the exact body bytes, in hex", schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "200", description = "Active",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ActivateAnswer")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "MissingSignature")
    @APIResponse(responseCode = "403", ref = "InstanceRefused")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
    public JsonObject activate() {
        limits.parseObject(request.body());
        Instance instance = activation.activate(request.signer());
        stats.accepted(IngestStats.Accepted.ACTIVATE);
        return JsonSupport.object()
                .add("status", "active")
                .add("instance_id", instance.getInstanceId().toString())
                .add("app_version", instance.getMetadata().getAppVersion())
                .build();
    }
}
