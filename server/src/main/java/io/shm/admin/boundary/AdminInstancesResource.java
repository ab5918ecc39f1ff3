package io.shm.admin.boundary;

import io.shm.instance.control.InstanceAdmin;
import io.shm.instance.control.InstanceDirectory;
import io.shm.instance.entity.StatusFilter;
import io.shm.platform.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Instances: {@code GET /api/v1/admin/instances?offset&limit&app&q} answers, as the original server did,
 * an array of instances with their current metrics, now one page at a time (the total in
 * {@code X-Total-Count}), with {@code status} and {@code sort} filters; one instance with its snapshot
 * history; revoke, reactivate, delete.
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/instances")
@Produces(MediaType.APPLICATION_JSON)
public class AdminInstancesResource {

    static final int DEFAULT_PAGE = 50;

    @Inject
    InstanceDirectory directory;

    @Inject
    InstanceAdmin admin;

    @GET
    @Operation(operationId = "listInstances", summary = "A page of instances with their current metrics; the total in X-Total-Count")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Instances")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    public Response list(@QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit,
                         @QueryParam("app") String app, @QueryParam("q") String search,
                         @QueryParam("status") String status, @QueryParam("sort") String sort)
            throws SQLException, IOException {
        int first = Parameters.bounded("offset", offset, 0, 0, Integer.MAX_VALUE);
        int size = Parameters.bounded("limit", limit, DEFAULT_PAGE, 1, InstanceDirectory.MAX_PAGE);
        InstanceDirectory.Page page = directory.page(filter(app, search, status, sort), first, size);
        ByteArrayOutputStream array = new ByteArrayOutputStream(page.instances().size() * 1024 + 2);
        array.write('[');
        for (InstanceDirectory.Summary instance : page.instances()) {
            if (array.size() > 1) {
                array.write(',');
            }
            AdminJson.writeInstance(instance, array);
        }
        array.write(']');
        return Response.ok(array.toByteArray(), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Total-Count", page.total()).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One instance")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Instance")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject detail(@PathParam("id") String id) throws SQLException {
        UUID instanceId = Parameters.instanceId(id);
        InstanceDirectory.Detail detail = directory.detail(instanceId)
                .orElseThrow(() -> Parameters.notFound("no instance " + instanceId));
        JsonObjectBuilder pending = JsonSupport.object();
        AdminJson.put(pending, "app_version", detail.pendingAppVersion());
        AdminJson.put(pending, "deployment_mode", detail.pendingDeploymentMode());
        AdminJson.put(pending, "environment", detail.pendingEnvironment());
        AdminJson.put(pending, "os_arch", detail.pendingOsArch());
        return AdminJson.instance(detail.summary()).add("pending_metadata", pending).build();
    }

    /** The instance's snapshots, newest first, {@code limit} at a time (at most 1,000); page with {@code before}. */
    @GET
    @Path("{id}/snapshots")
    @Operation(summary = "An instance's snapshots, newest first")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject snapshots(@PathParam("id") String id, @QueryParam("limit") Integer limit,
                                @QueryParam("before") String before) throws SQLException {
        UUID instanceId = Parameters.instanceId(id);
        int size = Parameters.bounded("limit", limit, 100, 1, 1000);
        Instant until = Parameters.instant("before", before, Parameters.LATEST);
        if (directory.detail(instanceId).isEmpty()) {
            throw Parameters.notFound("no instance " + instanceId);
        }
        JsonArrayBuilder array = JsonSupport.array();
        for (InstanceDirectory.HistoryEntry entry : directory.history(instanceId, until, size)) {
            array.add(JsonSupport.object().add("received_at", entry.receivedAt().toString())
                    .add("timestamp", entry.timestamp().toString())
                    .add("metrics", AdminJson.metrics(entry.metricsJson())));
        }
        return JsonSupport.object().add("instance_id", instanceId.toString()).add("snapshots", array).build();
    }

    /**
     * Every change of the instance's metadata, newest first (at most 1,000): old and new values, when,
     * and how it was authorised ({@code signed_activate} or {@code snapshot}).
     */
    @GET
    @Path("{id}/metadata-history")
    @Operation(summary = "Changes of an instance's metadata, newest first",
            description = "source: signed_activate (the signed activate of the protocol's extension) or snapshot"
                    + " (unsigned register metadata confirmed by a signed snapshot after a plain activate)")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject metadataHistory(@PathParam("id") String id, @QueryParam("limit") Integer limit) throws SQLException {
        UUID instanceId = Parameters.instanceId(id);
        int size = Parameters.bounded("limit", limit, 100, 1, 1000);
        if (directory.detail(instanceId).isEmpty()) {
            throw Parameters.notFound("no instance " + instanceId);
        }
        JsonArrayBuilder array = JsonSupport.array();
        for (InstanceDirectory.MetadataChange change : directory.metadataHistory(instanceId, size)) {
            JsonObjectBuilder before = JsonSupport.object();
            AdminJson.put(before, "app_version", change.oldAppVersion());
            AdminJson.put(before, "deployment_mode", change.oldDeploymentMode());
            AdminJson.put(before, "environment", change.oldEnvironment());
            AdminJson.put(before, "os_arch", change.oldOsArch());
            JsonObjectBuilder after = JsonSupport.object();
            AdminJson.put(after, "app_version", change.newAppVersion());
            AdminJson.put(after, "deployment_mode", change.newDeploymentMode());
            AdminJson.put(after, "environment", change.newEnvironment());
            AdminJson.put(after, "os_arch", change.newOsArch());
            array.add(JsonSupport.object().add("changed_at", change.changedAt().toString())
                    .add("source", change.source()).add("old", before).add("new", after));
        }
        return JsonSupport.object().add("instance_id", instanceId.toString()).add("changes", array).build();
    }

    @POST
    @Path("{id}/revoke")
    @Operation(operationId = "revokeInstance", summary = "Revoke an instance: its signatures are refused at once")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "StatusMessage")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject revoke(@PathParam("id") String id) throws SQLException {
        UUID instanceId = Parameters.instanceId(id);
        if (!admin.revoke(instanceId)) {
            throw Parameters.notFound("no instance " + instanceId);
        }
        return JsonSupport.object().add("status", "revoked").add("message", "Instance revoked").build();
    }

    @POST
    @Path("{id}/reactivate")
    @Operation(operationId = "reactivateInstance", summary = "Reactivate a revoked instance")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "StatusMessage")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject reactivate(@PathParam("id") String id) throws SQLException {
        UUID instanceId = Parameters.instanceId(id);
        if (!admin.reactivate(instanceId)) {
            throw Parameters.notFound("no instance " + instanceId);
        }
        return JsonSupport.object().add("status", "active").add("message", "Instance reactivated").build();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteInstance", summary = "Delete an instance with all its snapshots")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Response delete(@PathParam("id") String id) throws SQLException {
        UUID instanceId = Parameters.instanceId(id);
        if (!admin.delete(instanceId)) {
            throw Parameters.notFound("no instance " + instanceId);
        }
        return Response.noContent().build();
    }

    static InstanceDirectory.Filter filter(String app, String search, String status, String sort) {
        StatusFilter state;
        try {
            state = StatusFilter.parse(status).orElse(null);
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(e.getMessage());
        }
        if (search != null && search.length() > 200) {
            throw Parameters.invalid("q is longer than 200 characters");
        }
        boolean descending = true;
        String column = null;
        if (sort != null && !sort.isBlank()) {
            String[] parts = sort.strip().split(",", 2);
            column = parts[0];
            if (!InstanceDirectory.SORTS.containsKey(column)) {
                throw Parameters.invalid("sort is one of " + new java.util.TreeSet<>(InstanceDirectory.SORTS.keySet())
                        + ", optionally followed by ,asc or ,desc");
            }
            if (parts.length == 2) {
                if (!parts[1].equals("asc") && !parts[1].equals("desc")) {
                    throw Parameters.invalid("the sort direction is asc or desc");
                }
                descending = parts[1].equals("desc");
            }
        }
        return new InstanceDirectory.Filter(app, search, state, column, descending);
    }
}
