package io.shm.admin.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetQueries;
import io.shm.aggregation.entity.ApplicationRef;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.platform.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/admin/metrics/{app}?period=24h|7d|30d|3m|1y|all}, the original server's chart feed:
 * {@code timestamps} and, per numeric key, the fleet total at each of them ({@code null} where no instance
 * reported the key: missing, not zero), now from bucketed rollups (hours up to a week, then days, then weeks)
 * with the instance counts beside them.
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/metrics/{app}")
@Produces(MediaType.APPLICATION_JSON)
public class AdminMetricsResource {

    enum Period {
        P24H("24h", Duration.ofHours(24), Bucket.HOUR),
        P7D("7d", Duration.ofDays(7), Bucket.HOUR),
        P30D("30d", Duration.ofDays(30), Bucket.DAY),
        P3M("3m", Duration.ofDays(90), Bucket.DAY),
        P1Y("1y", Duration.ofDays(365), Bucket.WEEK),
        ALL("all", Duration.ofDays(3650), Bucket.WEEK);

        final String label;
        final Duration span;
        final Bucket bucket;

        Period(String label, Duration span, Bucket bucket) {
            this.label = label;
            this.span = span;
            this.bucket = bucket;
        }

        static Period parse(String value) {
            if (value == null || value.isBlank()) {
                return P24H;
            }
            for (Period period : values()) {
                if (period.label.equals(value.strip())) {
                    return period;
                }
            }
            throw Parameters.invalid("period must be 24h, 7d, 30d, 3m, 1y or all");
        }
    }

    @Inject
    FleetQueries fleet;

    @Inject
    ActiveWindow window;

    @GET
    @Operation(summary = "The original server's chart feed: timestamps and per key the fleet totals")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject metrics(@PathParam("app") String app, @QueryParam("period") String periodName) throws SQLException {
        Period period = Period.parse(periodName);
        ApplicationRef application = fleet.application(app)
                .orElseThrow(() -> Parameters.notFound("no application " + Parameters.abbreviate(app)));
        Instant to = window.now();
        Instant from = period.bucket.align(to.minus(period.span));
        Map<String, List<SeriesPoint>> series = fleet.allSeries(application.id(), null, period.bucket, from, to);

        TreeSet<Instant> timestamps = new TreeSet<>();
        series.values().forEach(points -> points.forEach(point -> timestamps.add(point.bucketStart())));
        List<Instant> axis = new ArrayList<>(timestamps);
        Map<Instant, Integer> position = new HashMap<>();
        JsonArrayBuilder times = JsonSupport.array();
        for (int i = 0; i < axis.size(); i++) {
            position.put(axis.get(i), i);
            times.add(axis.get(i).toString());
        }
        JsonObjectBuilder metrics = JsonSupport.object();
        JsonObjectBuilder instances = JsonSupport.object();
        series.forEach((key, points) -> {
            SeriesPoint[] aligned = new SeriesPoint[axis.size()];
            points.forEach(point -> aligned[position.get(point.bucketStart())] = point);
            JsonArrayBuilder sums = JsonSupport.array();
            JsonArrayBuilder counts = JsonSupport.array();
            for (SeriesPoint point : aligned) {
                if (point == null || point.sum() == null) {
                    sums.addNull();
                    counts.addNull();
                } else {
                    sums.add(point.sum());
                    counts.add(point.instances());
                }
            }
            metrics.add(key, sums);
            instances.add(key, counts);
        });
        return JsonSupport.object().add("application", application.slug()).add("period", period.label)
                .add("bucket", period.bucket.label()).add("timestamps", times).add("metrics", metrics)
                .add("instances", instances).build();
    }
}
