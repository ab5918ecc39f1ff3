package io.shm.admin.boundary;

import io.shm.aggregation.control.ActiveWindow;
import io.shm.aggregation.control.FleetSeries;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.application.control.ApplicationDirectory;
import io.shm.application.entity.ApplicationRef;
import io.shm.platform.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
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

    /** The period named by {@code period}; 24 hours when none is named. */
    static Period period(String value) {
        if (value == null || value.isBlank()) {
            return Period.DAY;
        }
        return Period.ofLabel(value.strip())
                .orElseThrow(() -> Parameters.invalid("period must be 24h, 7d, 30d, 3m, 1y or all"));
    }

    @Inject
    ApplicationDirectory applications;

    @Inject
    FleetSeries fleetSeries;

    @Inject
    ActiveWindow window;

    @GET
    @Operation(summary = "The original server's chart feed: timestamps and per key the fleet totals")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Response metrics(@PathParam("app") String app, @QueryParam("period") String periodName) throws SQLException {
        Period period = period(periodName);
        ApplicationRef application = applications.find(app)
                .orElseThrow(() -> Parameters.notFound("no application " + Parameters.abbreviate(app)));
        Instant to = window.now();
        Instant from = period.start(to, period.bucket());
        Map<String, List<SeriesPoint>> series = fleetSeries.allSeries(application.id(), null, period.bucket(), from, to);

        TreeSet<Instant> timestamps = new TreeSet<>();
        series.values().forEach(points -> points.forEach(point -> timestamps.add(point.bucketStart())));
        List<Instant> axis = new ArrayList<>(timestamps);
        Map<Instant, Integer> position = new HashMap<>();
        for (int i = 0; i < axis.size(); i++) {
            position.put(axis.get(i), i);
        }
        // Every key at every bucket: written as it is read, without building the whole answer first.
        StreamingOutput answer = out -> {
            try (JsonGenerator json = JsonSupport.generator(out)) {
                json.writeStartObject().write("application", application.slug()).write("period", period.label())
                        .write("bucket", period.bucket().label());
                json.writeStartArray("timestamps");
                axis.forEach(time -> json.write(time.toString()));
                json.writeEnd();
                SeriesPoint[][] aligned = new SeriesPoint[series.size()][];
                int k = 0;
                for (List<SeriesPoint> points : series.values()) {
                    aligned[k] = new SeriesPoint[axis.size()];
                    for (SeriesPoint point : points) {
                        aligned[k][position.get(point.bucketStart())] = point;
                    }
                    k++;
                }
                columns(json, "metrics", series.keySet(), aligned, point -> json.write(point.sum()));
                columns(json, "instances", series.keySet(), aligned, point -> json.write(point.instances()));
                json.writeEnd();
            }
        };
        return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** An object of one array per key, one value per bucket of the axis; null where nobody reported the key. */
    private static void columns(JsonGenerator json, String name, Collection<String> keys, SeriesPoint[][] aligned,
                                Consumer<SeriesPoint> value) {
        json.writeStartObject(name);
        int k = 0;
        for (String key : keys) {
            json.writeStartArray(key);
            for (SeriesPoint point : aligned[k++]) {
                if (point == null || point.sum() == null) {
                    json.writeNull();
                } else {
                    value.accept(point);
                }
            }
            json.writeEnd();
        }
        json.writeEnd();
    }
}
