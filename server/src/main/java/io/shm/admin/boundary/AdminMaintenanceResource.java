package io.shm.admin.boundary;

import io.shm.aggregation.control.Rollups;
import io.shm.persistence.control.PartitionMaintenance;
import io.shm.platform.JsonSupport;
import io.shm.retention.control.Retention;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Runs the scheduled jobs now: {@code POST /api/v1/admin/maintenance/rollups?since=} recomputes the rollup
 * buckets whose inputs changed since then (after a bulk import, say); {@code .../retention} applies the
 * retention at once; {@code .../partitions} moves snapshots out of the default partition and makes the
 * missing daily partitions. A job another node is running is skipped ({@code "skipped": true}).
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/maintenance")
@Produces(MediaType.APPLICATION_JSON)
public class AdminMaintenanceResource {

    @Inject
    Rollups rollups;

    @Inject
    Retention retention;

    @Inject
    PartitionMaintenance partitions;

    @POST
    @Path("rollups")
    @Operation(summary = "Recompute the rollup buckets whose inputs changed since a time")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    public JsonObject rollups(@QueryParam("since") String since) throws SQLException {
        Optional<Rollups.Run> run = since == null || since.isBlank()
                ? rollups.refreshNow()
                : rollups.refreshSince(Parameters.instant("since", since, Instant.EPOCH));
        return JsonSupport.object().add("skipped", run.isEmpty())
                .add("buckets_recomputed", run.map(Rollups.Run::buckets).orElse(0))
                .add("rollup_rows_written", run.map(Rollups.Run::rollupRows).orElse(0L)).build();
    }

    @POST
    @Path("retention")
    @Operation(summary = "Apply the retention of raw snapshots now")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonObject retention() throws SQLException {
        Retention.Run run = retention.purgeNow();
        var dropped = JsonSupport.array();
        run.droppedPartitions().forEach(dropped::add);
        var kept = JsonSupport.array();
        run.keptPartitions().forEach(kept::add);
        return JsonSupport.object().add("retention_days", retention.days()).add("cutoff", run.cutoff().toString())
                .add("skipped", run.skipped())
                .add("dropped_partitions", dropped).add("kept_partitions", kept)
                .add("bucket_rows_deleted", run.bucketRowsDeleted()).build();
    }

    @POST
    @Path("partitions")
    @Operation(summary = "Move snapshots out of the default partition and make the missing daily partitions now")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    public JsonObject partitions() throws SQLException {
        PartitionMaintenance.Run run = partitions.runNow();
        return JsonSupport.object().add("rows_moved", run.rowsMoved())
                .add("partitions_created", run.partitionsCreated()).build();
    }
}
