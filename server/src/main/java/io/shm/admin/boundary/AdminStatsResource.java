package io.shm.admin.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.aggregation.entity.InstanceCounts;
import io.shm.aggregation.entity.NumericStats;
import io.shm.application.control.ApplicationDirectory;
import io.shm.application.entity.ApplicationRef;
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
import java.util.List;
import java.util.Map;
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
 * numeric key over active instances of all applications, {@code per_app_counts}: every instance of each
 * application by name) and more.
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
    ApplicationDirectory directory;

    @Inject
    FleetCounts fleetCounts;

    @Inject
    FleetStatistics statistics;

    @Inject
    ActiveWindow window;

    @GET
    @Operation(summary = "The whole server at a glance")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Stats")))
    public JsonObject stats() throws SQLException {
        InstanceCounts counts = fleetCounts.counts(null);
        JsonObjectBuilder totals = JsonSupport.object();
        for (NumericStats key : statistics.numbers(null)) {
            totals.add(key.key(), key.sum());
        }
        List<ApplicationRef> applications = directory.all();
        Map<Long, InstanceCounts> byApplication = fleetCounts.countsByApplication();
        // The original server's field: every instance of each application, whatever its state, by name.
        JsonObjectBuilder perApplication = JsonSupport.object();
        for (ApplicationRef application : applications) {
            perApplication.add(application.name(), byApplication.getOrDefault(application.id(), InstanceCounts.NONE).total());
        }
        return computedAt(counts(JsonSupport.object(), counts), statistics.currentAsOf(null))
                .add("applications", applications.size())
                .add("per_app_counts", perApplication)
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
