package io.shm.ingest.boundary;

import io.shm.application.entity.Application;
import io.shm.ingest.control.IngestLimits;
import io.shm.instance.control.Registration;
import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.platform.IngestStats;
import io.shm.platform.JsonSupport;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.ratelimit.control.RateLimited;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.signature.control.IngestRequest;
import io.shm.signature.control.PublicKeys;
import io.shm.signature.control.SignatureInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Objects;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /v1/register}: unsigned; 201 for a new instance, 200 for a known one with the same key. */
@Tag(name = "ingest")
@Path("register")
@ApplicationScoped
public class RegisterResource {

    @Inject
    IngestRequest request;

    @Inject
    IngestLimits limits;

    @Inject
    Registration registration;

    @Inject
    IngestStats stats;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @RateLimited(RateLimiter.Scope.REGISTER)
    @Operation(summary = "Register an instance's public key", description = "Unsigned. A known instance with the same key"
            + " answers 200; metadata sent for a known instance waits for its next signed activate.")
    @APIResponse(responseCode = "201", description = "Registered, pending activation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RegisterAnswer")))
    @APIResponse(responseCode = "200", description = "Already registered with this key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "RegisterAnswer")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
    public Response register() {
        JsonObject body = limits.parseObject(request.body());
        UUID instanceId = SignatureInterceptor.parseUuid(IngestLimits.requiredString(body, "instance_id", 36));
        if (instanceId == null) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, "instance_id must be a UUID");
        }
        byte[] publicKey = PublicKeys.parse(IngestLimits.requiredString(body, "public_key", 64))
                .orElseThrow(() -> new RefusedException(Refusal.INVALID_PUBLIC_KEY));
        String appName = IngestLimits.requiredString(body, "app_name", Application.NAME_MAX);
        InstanceMetadata metadata = new InstanceMetadata(
                // The original server and its SDKs allow an app that never set its version: stored as "".
                Objects.requireNonNullElse(IngestLimits.optionalString(body, "app_version", InstanceMetadata.FIELD_MAX), ""),
                IngestLimits.optionalString(body, "deployment_mode", InstanceMetadata.FIELD_MAX),
                IngestLimits.optionalString(body, "environment", InstanceMetadata.FIELD_MAX),
                IngestLimits.optionalString(body, "os_arch", InstanceMetadata.FIELD_MAX));

        Registration.Result result = registration.register(instanceId, publicKey, appName, metadata);

        stats.accepted(result.created() ? IngestStats.Accepted.REGISTER_NEW : IngestStats.Accepted.REGISTER_KNOWN);
        Instance instance = result.instance();
        JsonObject answer = JsonSupport.object()
                .add("status", instance.getStatus().name().toLowerCase(java.util.Locale.ROOT))
                .add("instance_id", instance.getInstanceId().toString())
                .add("message", result.created() ? "Instance registered"
                        : instance.getPendingMetadata() != null ? "Metadata changes take effect when a signed snapshot follows the next activate"
                        : "Instance already registered")
                .build();
        return Response.status(result.created() ? Response.Status.CREATED : Response.Status.OK).entity(answer).build();
    }
}
