package io.shm.ingest.boundary;

import io.shm.ingest.control.Activation;
import io.shm.ingest.control.IngestLimits;
import io.shm.ingest.control.IngestRequest;
import io.shm.ingest.control.IngestStats;
import io.shm.instance.entity.Instance;
import io.shm.ratelimit.control.RateLimited;
import io.shm.ratelimit.control.RateLimiter;
import io.shm.signature.control.SignedRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.shm.platform.JsonSupport;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /v1/activate}: signed; any JSON object as body. Activating an active instance succeeds too. */
@Path("activate")
@ApplicationScoped
public class ActivateResource {

    @Inject
    IngestRequest request;

    @Inject
    IngestLimits limits;

    @Inject
    Activation activation;

    @Inject
    IngestStats stats;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @RateLimited(RateLimiter.Scope.ACTIVATE)
    @SignedRequest
    public JsonObject activate() {
        limits.parseObject(request.body());
        Instance instance = activation.activate(request.signer());
        stats.accepted(IngestStats.Accepted.ACTIVATE);
        return JsonSupport.object()
                .add("status", "active")
                .add("instance_id", instance.getInstanceId().toString())
                .add("app_version", instance.getMetadata().getAppVersion())
                .build();
    }
}
