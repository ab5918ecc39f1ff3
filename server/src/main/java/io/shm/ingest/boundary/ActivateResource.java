package io.shm.ingest.boundary;

import io.shm.ingest.control.ClientTimestamps;
import io.shm.ingest.control.IngestLimits;
import io.shm.instance.control.Activation;
import io.shm.instance.entity.Instance;
import io.shm.instance.entity.InstanceMetadata;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.platform.IngestStats;
import io.shm.platform.JsonSupport;
import io.shm.ratelimit.control.RateLimited;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.signature.control.IngestRequest;
import io.shm.signature.control.SignedRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "shm.ingest.clock-skew-seconds", defaultValue = "300")
    long clockSkewSeconds;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @RateLimited(RateLimiter.Scope.ACTIVATE)
    @SignedRequest
    @Operation(summary = "Activate a registered instance", description = "Signed; any JSON object as body."
            + " Activating an active instance succeeds too. Metadata proposed by an unsigned register takes effect"
            + " only when a signed snapshot follows within SHM_ACTIVATE_CONFIRM_SECONDS. A body with \"timestamp\""
            + " (ISO-8601) and \"metadata\" ({app_version, deployment_mode, environment, os_arch}) is a signed"
            + " activate: its metadata applies at once, unsigned register metadata is ignored from then on, and a"
            + " timestamp not later than the last signed activate (replayed_activate) or too far ahead"
            + " (future_activate) is refused with 409.")
    @Parameter(name = "X-Instance-ID", in = ParameterIn.HEADER, required = true, description = "The signing instance's id",
            schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "X-Signature", in = ParameterIn.HEADER, required = true,
            description = "Ed25519 signature of the exact body bytes, in hex", schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "200", description = "Active",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ActivateAnswer")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "MissingSignature")
    @APIResponse(responseCode = "403", ref = "InstanceRefused")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
    public JsonObject activate() {
        JsonObject body = limits.parseObject(request.body());
        Instance instance = body.containsKey("timestamp") || body.containsKey("metadata")
                ? activateSigned(body)
                : activation.activate(request.signer());
        stats.accepted(IngestStats.Accepted.ACTIVATE);
        return JsonSupport.object()
                .add("status", "active")
                .add("instance_id", instance.getInstanceId().toString())
                .add("app_version", instance.getMetadata().getAppVersion())
                .build();
    }

    /** The protocol's extension: {@code {"action":"activate","timestamp":...,"metadata":{...}}}, metadata signed. */
    private Instance activateSigned(JsonObject body) {
        Instant timestamp = ClientTimestamps.parse("timestamp", IngestLimits.requiredString(body, "timestamp", 64));
        JsonValue value = body.get("metadata");
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw new RefusedException(Refusal.MISSING_FIELD, "metadata");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, "metadata must be a JSON object");
        }
        JsonObject metadata = value.asJsonObject();
        InstanceMetadata signed = new InstanceMetadata(
                IngestLimits.requiredString(metadata, "app_version", InstanceMetadata.FIELD_MAX),
                IngestLimits.optionalString(metadata, "deployment_mode", InstanceMetadata.FIELD_MAX),
                IngestLimits.optionalString(metadata, "environment", InstanceMetadata.FIELD_MAX),
                IngestLimits.optionalString(metadata, "os_arch", InstanceMetadata.FIELD_MAX));
        if (timestamp.isAfter(clock.instant().plusSeconds(clockSkewSeconds))) {
            throw new RefusedException(Refusal.FUTURE_ACTIVATE, "allowed clock skew: " + clockSkewSeconds + " s");
        }
        return activation.activateSigned(request.signer(), timestamp, signed);
    }
}
