package io.shm.ingest.boundary;

import io.shm.ingest.control.ClientTimestamps;
import io.shm.ingest.control.IngestLimits;
import io.shm.ingest.control.SnapshotWriter;
import io.shm.instance.entity.SignedInstance;
import io.shm.platform.IngestStats;
import io.shm.platform.JsonSupport;
import io.shm.platform.Refusal;
import io.shm.platform.RefusedException;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.retention.control.Retention;
import io.shm.signature.control.IngestRequest;
import io.shm.signature.control.SignatureInterceptor;
import io.shm.signature.control.SignedRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /v1/snapshot}: signed; 202 once the snapshot is committed (with those of concurrent
 * requests: {@link SnapshotWriter}). The body must name the
 * signer, be later than the instance's last accepted snapshot, not be from the future, and not be
 * older than the retention of raw snapshots nor than 2000.
 */
@Tag(name = "ingest")
@Path("snapshot")
@ApplicationScoped
public class SnapshotResource {

    /** Written once: the hot path should not serialize the same answer a thousand times a second. */
    private static final String RECEIVED = JsonSupport.object()
            .add("status", "ok").add("message", "Snapshot received").build().toString();

    @Inject
    IngestRequest request;

    @Inject
    IngestLimits limits;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    SnapshotWriter writer;

    @Inject
    IngestStats stats;

    @Inject
    Clock clock;

    @Inject
    Retention retention;

    @Inject
    @ConfigProperty(name = "shm.ingest.clock-skew-seconds", defaultValue = "300")
    long clockSkewSeconds;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @SignedRequest
    @Operation(summary = "Send a signed snapshot of an active instance's metrics")
    @Parameter(name = "X-Instance-ID", in = ParameterIn.HEADER, required = true, description = "The signing instance's id",
            schema = @Schema(type = SchemaType.STRING, format = "uuid"))
    @Parameter(name = "X-Signature", in = ParameterIn.HEADER, required = true,
            description = "Ed25519 signature of the exact body bytes, in hex", schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "202", description = "Stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SnapshotAnswer")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "401", ref = "MissingSignature")
    @APIResponse(responseCode = "403", ref = "InstanceRefused")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "429", ref = "RateLimited")
    @APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
    public Response snapshot() throws SQLException {
        SignedInstance signer = request.signer();
        // Counted only once the signature is verified: nobody can use up another instance's allowance.
        rateLimiter.acquire(RateLimiter.Scope.SNAPSHOT, signer.instanceId().toString());

        JsonObject body = limits.parseObject(request.body());
        UUID claimed = SignatureInterceptor.parseUuid(IngestLimits.requiredString(body, "instance_id", 36));
        if (claimed == null) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, "instance_id must be a UUID");
        }
        if (!claimed.equals(signer.instanceId())) {
            throw new RefusedException(Refusal.INSTANCE_MISMATCH);
        }
        Instant timestamp = ClientTimestamps.parse("timestamp", IngestLimits.requiredString(body, "timestamp", 64));
        JsonValue metrics = body.get("metrics");
        if (metrics == null || metrics.getValueType() == JsonValue.ValueType.NULL) {
            throw new RefusedException(Refusal.MISSING_FIELD, "metrics");
        }
        if (metrics.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new RefusedException(Refusal.MALFORMED_FIELD, "metrics must be a JSON object");
        }
        limits.checkMetrics(metrics.asJsonObject());

        Instant now = clock.instant();
        if (timestamp.isAfter(now.plus(Duration.ofSeconds(clockSkewSeconds)))) {
            throw new RefusedException(Refusal.FUTURE_SNAPSHOT, "allowed clock skew: " + clockSkewSeconds + " s");
        }
        // Retention keeps at least a day: the setting (which JMX may change) is only read for an old timestamp.
        if (timestamp.isBefore(now.minus(Duration.ofDays(1)))
                && timestamp.isBefore(now.minus(Duration.ofDays(retention.days())))) {
            throw new RefusedException(Refusal.STALE_SNAPSHOT, "raw snapshots are kept " + retention.days() + " days");
        }
        writer.write(signer, now, timestamp, metrics.asJsonObject());
        stats.accepted(IngestStats.Accepted.SNAPSHOT);
        return Response.accepted(RECEIVED).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A snapshot's timestamp as the resource reads it (the fuzz tests call it directly). */
    static Instant parseTimestamp(String text) {
        return ClientTimestamps.parse("timestamp", text);
    }
}
