package io.shm.badge.boundary;

import io.shm.badge.control.BadgeColor;
import io.shm.badge.control.BadgeValue;
import io.shm.badge.control.Badges;
import io.shm.platform.ProblemMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /badge/{slug}/instances|version|metric/{key}|combined}, with optional {@code label} and
 * {@code color} query parameters. An unknown app or key is answered 200 with an error badge, since
 * an image tag shows nothing of an error status; a database failure is 503 with Retry-After, still
 * an image. No {@code @Produces}: whatever an image request accepts, the answer is SVG.
 */
@Path("{slug}")
@ApplicationScoped
@Tag(name = "badges")
@APIResponse(responseCode = "200", description = "The badge; an unknown application or key is a red error badge",
        content = @Content(mediaType = "image/svg+xml", schema = @Schema(type = SchemaType.STRING)))
@APIResponse(responseCode = "503", description = "The database is unavailable: an error badge, with Retry-After",
        content = @Content(mediaType = "image/svg+xml", schema = @Schema(type = SchemaType.STRING)))
public class BadgeResource {

    @Inject
    Badges badges;

    @Inject
    Logger log;

    /** Reads a badge's value; may fail when the database does. */
    @FunctionalInterface
    interface Lookup {
        BadgeValue value() throws SQLException;
    }

    @GET
    @Path("instances")
    @Operation(summary = "Active instances")
    public Response instances(@PathParam("slug") String slug, @QueryParam("label") String label,
                              @QueryParam("color") String color) {
        return answer(() -> badges.instances(slug), label, "instances", color);
    }

    @GET
    @Path("version")
    @Operation(summary = "The version most active instances run")
    public Response version(@PathParam("slug") String slug, @QueryParam("label") String label,
                            @QueryParam("color") String color) {
        return answer(() -> badges.version(slug), label, "version", color);
    }

    /** Metric keys may contain {@code /}, so the key is the whole rest of the path. */
    @GET
    @Path("metric/{key: .+}")
    @Operation(summary = "The sum of a numeric key over the active instances")
    public Response metric(@PathParam("slug") String slug, @PathParam("key") String key,
                           @QueryParam("label") String label, @QueryParam("color") String color) {
        return answer(() -> badges.metric(slug, key), label, key, color);
    }

    @GET
    @Path("combined")
    @Operation(summary = "A key's sum, then the number of active instances")
    public Response combined(@PathParam("slug") String slug, @QueryParam("metric") String metric,
                             @QueryParam("label") String label, @QueryParam("color") String color) {
        return answer(() -> badges.combined(slug, metric), label, "adoption", color);
    }

    private Response answer(Lookup lookup, String label, String defaultLabel, String color) {
        BadgeValue value;
        try {
            value = lookup.value();
        } catch (SQLException e) {
            return unavailable(label, e);
        } catch (RuntimeException e) {
            if (!ProblemMapper.isDatabaseFailure(e)) {
                throw e;
            }
            return unavailable(label, e);
        }
        if (value.error()) {
            return BadgeAnswers.error(Response.Status.OK.getStatusCode(), label, value.message()).build();
        }
        // An invalid colour is ignored rather than refused: the badge still renders, in its own colour.
        String shown = BadgeColor.parse(color).orElse(value.color());
        return BadgeAnswers.badge(label == null ? defaultLabel : label, value.message(), shown).build();
    }

    private Response unavailable(String label, Exception e) {
        log.log(Level.WARNING, "Database unavailable for a badge: {0}", e.getClass().getSimpleName());
        return BadgeAnswers.error(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), label, "unavailable")
                .header("Retry-After", ProblemMapper.RETRY_AFTER_SECONDS)
                .build();
    }
}
