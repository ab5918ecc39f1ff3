package io.shm.admin.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetQueries;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.aggregation.entity.NumericStats;
import io.shm.platform.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/admin/stats}: the whole server at a glance, in the original server's fields
 * ({@code total_instances}, {@code active_instances}, {@code global_metrics}: the fleet total of every
 * numeric key over active instances of all applications) and more.
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/stats")
@Produces(MediaType.APPLICATION_JSON)
public class AdminStatsResource {

    @Inject
    FleetQueries fleet;

    @Inject
    ActiveWindow window;

    @GET
    @Operation(summary = "The whole server at a glance")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Stats")))
    public JsonObject stats() throws SQLException {
        InstanceCounts counts = fleet.counts(null);
        JsonObjectBuilder totals = JsonSupport.object();
        for (NumericStats key : fleet.numbers(null)) {
            totals.add(key.key(), key.sum());
        }
        return computedAt(counts(JsonSupport.object(), counts), fleet.currentAsOf(null))
                .add("applications", fleet.applications().size())
                .add("active_days", window.days())
                .add("global_metrics", totals)
                .build();
    }

    /** When the metric statistics were computed; {@code null} when just now, because the rollup job had not yet. */
    static JsonObjectBuilder computedAt(JsonObjectBuilder object, Optional<Instant> computedAt) {
        return computedAt.map(at -> object.add("metrics_computed_at", at.toString()))
                .orElseGet(() -> object.addNull("metrics_computed_at"));
    }

    static JsonObjectBuilder counts(JsonObjectBuilder object, InstanceCounts counts) {
        return object.add("total_instances", counts.total())
                .add("active_instances", counts.active())
                .add("pending_instances", counts.pending())
                .add("revoked_instances", counts.revoked())
                .add("new_instances", JsonSupport.object().add("7d", counts.new7Days()).add("30d", counts.new30Days()))
                .add("churned_instances", JsonSupport.object().add("7d", counts.churned7Days()).add("30d", counts.churned30Days()));
    }
}
