package io.shm.admin.boundary;

import io.shm.aggregation.control.FleetCounts;
import io.shm.aggregation.control.FleetKeys;
import io.shm.aggregation.control.FleetSeries;
import io.shm.aggregation.control.FleetStatistics;
import io.shm.application.entity.ApplicationRef;
import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.DistributionPoint;
import io.shm.aggregation.entity.SeriesPoint;
import io.shm.aggregation.control.ActiveWindow;
import io.shm.application.entity.Application;
import io.shm.platform.JsonSupport;
import io.shm.publicdashboard.control.PublicKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import io.shm.application.control.StarsRefresher;
import io.shm.application.control.StarsResult;
import io.shm.application.control.ApplicationDirectory;
import io.shm.application.control.ApplicationSettings;
import java.util.Optional;
import io.shm.platform.Problems;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Applications and what their fleets report: {@code GET /api/v1/admin/applications[/{slug}]} as the
 * original server had them, plus per-application statistics, time series and distributions over time.
 */
@ApplicationScoped
@AdminApi
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", ref = "MissingToken")
@APIResponse(responseCode = "403", ref = "RevokedToken")
@APIResponse(responseCode = "429", ref = "RateLimited")
@APIResponse(responseCode = "503", ref = "DatabaseUnavailable")
@Path("v1/admin/applications")
@Produces(MediaType.APPLICATION_JSON)
public class AdminApplicationsResource {

    static final int TOP_VALUES = 50;

    @Inject
    ApplicationSettings settings;

    @Inject
    ApplicationDirectory applications;

    @Inject
    FleetCounts counts;

    @Inject
    FleetStatistics statistics;

    @Inject
    FleetKeys keys;

    @Inject
    FleetSeries fleetSeries;

    @Inject
    ActiveWindow window;

    @Inject
    StarsRefresher stars;

    @Inject
    PublicKeys publicKeys;

    @GET
    @Operation(operationId = "listApplications", summary = "Every application with its settings")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Applications")))
    public JsonArray list() {
        JsonArrayBuilder array = JsonSupport.array();
        settings.all().forEach(application -> array.add(application(application)));
        return array.build();
    }

    @GET
    @Path("{slug}")
    @Operation(summary = "One application")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Application")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject get(@PathParam("slug") String slug) {
        return application(find(slug)).build();
    }

    /**
     * {@code PUT {"github_url": ..., "logo_url": ..., "public_dashboard": true, "public_keys": [...]}}: a field
     * left out stays as it is; null or "" removes a URL, null or [] leaves the public page without keys.
     * The GitHub URL must be {@code https://github.com/owner/repo}; public keys must be business keys the
     * application reports. All or nothing: one refused field changes nothing.
     */
    @PUT
    @Path("{slug}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set an application's GitHub URL, logo and public page")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ApplicationUpdate")))
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Application")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject update(@PathParam("slug") String slug, String text) throws SQLException {
        JsonObject body = Parameters.jsonObject(text);
        ApplicationSettings.Change change = new ApplicationSettings.Change(field(body, "github_url"), field(body, "logo_url"),
                flag(body, "public_dashboard"), keys(body, "public_keys"));
        Application application;
        try {
            if (change.publicKeys().isPresent()) {
                publicKeys.check(find(slug).getId(), change.publicKeys().get());
            }
            application = settings.change(slug, change)
                    .orElseThrow(() -> Parameters.notFound("no application " + Parameters.abbreviate(slug)));
        } catch (IllegalArgumentException e) {
            throw Parameters.invalid(e.getMessage());
        }
        return JsonSupport.object().add("status", "ok").add("message", "Application updated successfully")
                .add("application", application(application)).build();
    }

    /** Absent: unchanged; null or "": removed. */
    private static Optional<String> field(JsonObject body, String name) {
        if (!body.containsKey(name)) {
            return Optional.empty();
        }
        JsonValue value = body.get(name);
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.of("");
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw Parameters.invalid(name + " must be a string or null");
        }
        return Optional.of(((JsonString) value).getString());
    }

    private static Optional<Boolean> flag(JsonObject body, String name) {
        if (!body.containsKey(name)) {
            return Optional.empty();
        }
        return switch (body.get(name).getValueType()) {
            case TRUE -> Optional.of(true);
            case FALSE -> Optional.of(false);
            default -> throw Parameters.invalid(name + " must be true or false");
        };
    }

    /** Absent: unchanged; null: none. */
    private static Optional<List<String>> keys(JsonObject body, String name) {
        if (!body.containsKey(name)) {
            return Optional.empty();
        }
        JsonValue value = body.get(name);
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.of(List.of());
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw Parameters.invalid(name + " must be an array of keys or null");
        }
        List<String> keys = new java.util.ArrayList<>();
        for (JsonValue key : value.asJsonArray()) {
            if (key.getValueType() != JsonValue.ValueType.STRING) {
                throw Parameters.invalid(name + " must hold strings only");
            }
            keys.add(((JsonString) key).getString());
        }
        return Optional.of(keys);
    }

    /** Asks GitHub for the repository's stars now; {@code 400} when the application has no GitHub URL. */
    @POST
    @Path("{slug}/refresh-stars")
    @Operation(summary = "Read the application's GitHub stars now", description = "400 when the application has no GitHub URL;"
            + " 502 (github_repository_not_found, github_unavailable) or 503 (github_rate_limited) when GitHub does not answer")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "StarsRefreshed")))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "502", description = "github_repository_not_found or github_unavailable",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response refreshStars(@PathParam("slug") String slug) {
        StarsResult result = stars.refresh(find(slug).getSlug())
                .orElseThrow(() -> Parameters.invalid("the application has no GitHub URL"));
        return switch (result.status()) {
            case OK -> Response.ok(JsonSupport.object().add("status", "ok").add("stars", result.stars())
                    .add("message", "Stars refreshed successfully").build()).build();
            case RATE_LIMITED -> Problems.of(503, "github_rate_limited", "GitHub's rate limit is reached; retry later.",
                    "until " + result.retryAt(), Map.of("Retry-After",
                            Long.toString(Math.max(1, Duration.between(window.now(), result.retryAt()).toSeconds()))));
            case NOT_FOUND -> Problems.of(502, "github_repository_not_found", "GitHub does not know this repository.",
                    result.reason(), Map.of());
            case FAILED -> Problems.of(502, "github_unavailable", "GitHub could not be asked.", result.reason(), Map.of());
        };
    }

    /**
     * Active, new and churned instances; each numeric key's fleet statistics and the string keys'
     * distributions (as of {@code metrics_computed_at}, at most a minute ago); distributions of metadata;
     * how many keys beyond {@code SHM_MAX_KEYS_PER_APP} are left out of the rollups.
     */
    @GET
    @Path("{slug}/stats")
    @Operation(operationId = "applicationStats", summary = "Counts, per-key statistics of current values and distributions for one application")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject stats(@PathParam("slug") String slug) throws SQLException {
        ApplicationRef application = ref(slug);
        JsonObjectBuilder stats = AdminStatsResource.counts(JsonSupport.object()
                .add("application", application.slug())
                .add("active_days", window.days()), counts.counts(application.id()));
        AdminStatsResource.computedAt(stats, statistics.currentAsOf(application.id()));
        return stats.add("metrics", AdminJson.numbers(statistics.numbers(application.id())))
                .add("keys_left_out", keys.keysLeftOut(application.id()))
                .add("metadata", AdminJson.distributions(statistics.metadataDistributions(application.id(), TOP_VALUES)))
                .add("values", AdminJson.distributions(statistics.valueDistributions(application.id(), TOP_VALUES)))
                .build();
    }

    /**
     * A numeric key's time series: per bucket the sum of each active instance's last value in it, and
     * how many instances reported it. A bucket where no instance reported the key is absent.
     */
    @GET
    @Path("{slug}/series")
    @Operation(summary = "Per bucket, the fleet sum of a key with the number of reporting instances")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject series(@PathParam("slug") String slug, @QueryParam("key") String key,
                             @QueryParam("bucket") String bucketName, @QueryParam("from") String fromText,
                             @QueryParam("to") String toText) throws SQLException {
        String metric = Parameters.key(key);
        Range range = range(bucketName, Bucket.HOUR, fromText, toText);
        Bucket bucket = range.bucket();
        Instant from = range.from();
        Instant to = range.to();
        ApplicationRef application = ref(slug);
        JsonArrayBuilder points = JsonSupport.array();
        for (SeriesPoint point : fleetSeries.series(application.id(), metric, bucket, from, to)) {
            JsonObjectBuilder entry = JsonSupport.object().add("t", point.bucketStart().toString())
                    .add("instances", point.instances());
            AdminJson.put(entry, "sum", point.sum());
            AdminJson.put(entry, "min", point.min());
            AdminJson.put(entry, "max", point.max());
            points.add(entry);
        }
        return JsonSupport.object().add("application", application.slug()).add("key", metric)
                .add("bucket", bucket.label()).add("from", bucket.align(from).toString()).add("to", to.toString())
                .add("points", points).build();
    }

    /**
     * A string key's distribution over time: per bucket, instances per value (most frequent first,
     * the rest as one entry with a null value). {@code key=app_version} gives the version share.
     */
    @GET
    @Path("{slug}/distribution")
    @Operation(summary = "Per bucket, instances per value of a string key (app_version: the version share)")
    @APIResponse(responseCode = "200", description = "OK",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", ref = "InvalidRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public JsonObject distribution(@PathParam("slug") String slug, @QueryParam("key") String key,
                                   @QueryParam("bucket") String bucketName, @QueryParam("from") String fromText,
                                   @QueryParam("to") String toText) throws SQLException {
        String metric = Parameters.key(key);
        Range range = range(bucketName, Bucket.DAY, fromText, toText);
        Bucket bucket = range.bucket();
        Instant from = range.from();
        Instant to = range.to();
        ApplicationRef application = ref(slug);
        String stored = "app_version".equals(metric) ? FleetSeries.VERSION_KEY : metric;
        JsonArrayBuilder points = JsonSupport.array();
        List<DistributionPoint> distribution = fleetSeries.distributionSeries(application.id(), stored, bucket, from, to,
                TOP_VALUES);
        for (DistributionPoint point : distribution) {
            points.add(JsonSupport.object().add("t", point.bucketStart().toString())
                    .add("values", AdminJson.valueCounts(point.values())));
        }
        return JsonSupport.object().add("application", application.slug()).add("key", metric)
                .add("bucket", bucket.label()).add("from", bucket.align(from).toString()).add("to", to.toString())
                .add("points", points).build();
    }

    private record Range(Bucket bucket, Instant from, Instant to) {
    }

    /** The bucket and the from/to of a series, checked; by default the bucket's usual span up to now. */
    private Range range(String bucketName, Bucket fallback, String fromText, String toText) {
        Bucket bucket = Parameters.bucket(bucketName, fallback);
        Instant to = Parameters.instant("to", toText, window.now());
        Instant from = Parameters.instant("from", fromText, to.minus(defaultSpan(bucket)));
        Parameters.range(from, to, bucket);
        return new Range(bucket, from, to);
    }

    static Duration defaultSpan(Bucket bucket) {
        return switch (bucket) {
            case HOUR -> Duration.ofHours(48);
            case DAY -> Duration.ofDays(30);
            case WEEK -> Duration.ofDays(7 * 26);
        };
    }

    private ApplicationRef ref(String slug) throws SQLException {
        return applications.find(slug).orElseThrow(() -> Parameters.notFound("no application " + Parameters.abbreviate(slug)));
    }

    Application find(String slug) {
        return settings.find(slug).orElseThrow(() -> Parameters.notFound("no application " + Parameters.abbreviate(slug)));
    }

    static JsonObjectBuilder application(Application application) {
        JsonObjectBuilder object = JsonSupport.object().add("id", application.getId())
                .add("slug", application.getSlug()).add("name", application.getName());
        AdminJson.put(object, "github_url", application.getGithubUrl());
        // Also under the original server's names (stars, stars_updated_at), which its users' scripts read.
        for (String name : List.of("github_stars", "stars")) {
            if (application.getGithubStars() == null) {
                object.addNull(name);
            } else {
                object.add(name, application.getGithubStars());
            }
        }
        AdminJson.put(object, "github_stars_updated_at", application.getGithubStarsUpdatedAt());
        AdminJson.put(object, "stars_updated_at", application.getGithubStarsUpdatedAt());
        AdminJson.put(object, "logo_url", application.getLogoUrl());
        object.add("public_dashboard", application.isPublicDashboard());
        JsonArrayBuilder keys = JsonSupport.array();
        application.getPublicKeys().forEach(keys::add);
        object.add("public_keys", keys);
        AdminJson.put(object, "created_at", application.getCreatedAt());
        AdminJson.put(object, "updated_at", application.getUpdatedAt());
        return object;
    }
}
