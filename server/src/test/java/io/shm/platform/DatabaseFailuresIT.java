package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.ingest.IngestClients;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.TestDatabase;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Instant;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Against the real server and PostgreSQL: only an outage is answered 503 with Retry-After (the SDKs
 * retry for as long as it lasts); a value PostgreSQL refuses is the request's fault, answered 4xx,
 * and never retried forever.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseFailuresIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @AfterEach
    void databaseIsBack() {
        TestDatabase.get().start();
    }

    @Test
    void aLostDatabaseIsA503WithRetryAfter() throws Exception {
        ShmClient client = IngestClients.activeClient(base, "Database Failures App", "1.0.0");

        TestDatabase.get().stop();
        ShmResponse refused = client.snapshot(Instant.now().minusSeconds(1), IngestClients.metrics("users_count", 1));

        assertEquals(503, refused.status(), refused.body());
        assertTrue(refused.body().contains("\"database_unavailable\""), refused.body());
        assertEquals(ProblemMapper.RETRY_AFTER_SECONDS, refused.header("Retry-After").orElse(null));

        TestDatabase.get().start();
        ShmResponse accepted = client.snapshot(Instant.now(), IngestClients.metrics("users_count", 2));
        assertEquals(202, accepted.status(), "the same snapshot path works again: " + accepted.body());
    }

    /**
     * 5001 BC is a valid ISO-8601 instant, but PostgreSQL's timestamptz stops at 4714 BC: the statement
     * fails with SQL state 22008. Retrying cannot help, so the answer is a 400, not a 503.
     */
    @Test
    void aTimestampPostgreSqlCannotStoreIsRefusedWithoutRetryAndStoresNothing() throws Exception {
        ShmClient client = IngestClients.activeClient(base, "Database Failures App", "1.0.0");

        ShmResponse refused = client.snapshot(Instant.parse("-5000-01-01T00:00:00Z"), IngestClients.metrics("users_count", 1));

        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.header("Retry-After").isEmpty(), "nothing to retry");
        JsonObject detail = AdminClient.withTestToken(base).object("/api/v1/admin/instances/" + client.identity().instanceId());
        assertTrue(detail.getJsonObject("metrics").isEmpty(), "nothing stored: " + detail);
    }
}
