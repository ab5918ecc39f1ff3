package io.shm.admin.boundary;

import io.shm.admin.control.ApiTokens;
import io.shm.platform.JsonSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * API tokens: {@code POST /api/v1/admin/tokens {"name": ...}} answers the new token once, in
 * {@code token}; the list shows names and dates, never secrets; {@code DELETE .../{id}} revokes.
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class AdminTokensResource {

    @Inject
    ApiTokens tokens;

    @GET
    @Operation(operationId = "listTokens", summary = "API tokens, without their secrets")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Tokens")))
    public JsonArray list() throws SQLException {
        JsonArrayBuilder array = JsonSupport.array();
        tokens.list().forEach(token -> array.add(token(token)));
        return array.build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createToken", summary = "Make an API token; its secret is in this answer only")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TokenRequest")))
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Token")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    public Response create(String text) throws SQLException {
        JsonObject body = Parameters.jsonObject(text);
        if (!body.containsKey("name") || body.get("name").getValueType() != jakarta.json.JsonValue.ValueType.STRING) {
            throw Parameters.invalid("the body needs a string name");
        }
        ApiTokens.Created created;
        try {
            created = tokens.create(body.getString("name"));
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(e.getMessage());
        }
        return Response.status(Response.Status.CREATED)
                .entity(token(created.token()).add("token", created.secret()).build()).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeToken", summary = "Revoke an API token")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Response revoke(@PathParam("id") long id) throws SQLException {
        if (!tokens.revoke(id)) {
            throw Parameters.notFound("no token " + id);
        }
        return Response.noContent().build();
    }

    static JsonObjectBuilder token(ApiTokens.Token token) {
        JsonObjectBuilder object = JsonSupport.object().add("id", token.id()).add("name", token.name());
        AdminJson.put(object, "created_at", token.createdAt());
        AdminJson.put(object, "last_used_at", token.lastUsedAt());
        AdminJson.put(object, "revoked_at", token.revokedAt());
        return object.add("revoked", token.revoked());
    }
}
