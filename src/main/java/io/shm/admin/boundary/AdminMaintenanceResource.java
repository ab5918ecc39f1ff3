package io.shm.admin.boundary;

import io.shm.aggregation.control.Rollups;
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

/**
 * Runs the scheduled jobs now: {@code POST /api/v1/admin/maintenance/rollups?since=} recomputes the rollup
 * buckets whose inputs changed since then (after a bulk import, say); {@code .../retention} applies the
 * retention at once.
 */
@ApplicationScoped
@AdminApi
@Path("v1/admin/maintenance")
@Produces(MediaType.APPLICATION_JSON)
public class AdminMaintenanceResource {

    @Inject
    Rollups rollups;

    @Inject
    Retention retention;

    @POST
    @Path("rollups")
    public JsonObject rollups(@QueryParam("since") String since) throws SQLException {
        int buckets = since == null || since.isBlank()
                ? rollups.refresh()
                : rollups.refreshSince(Parameters.instant("since", since, Instant.EPOCH));
        return JsonSupport.object().add("buckets_recomputed", buckets).build();
    }

    @POST
    @Path("retention")
    public JsonObject retention() throws SQLException {
        Retention.Run run = retention.purgeNow();
        var dropped = JsonSupport.array();
        run.droppedPartitions().forEach(dropped::add);
        return JsonSupport.object().add("retention_days", retention.days()).add("cutoff", run.cutoff().toString())
                .add("dropped_partitions", dropped).add("bucket_rows_deleted", run.bucketRowsDeleted()).build();
    }
}
