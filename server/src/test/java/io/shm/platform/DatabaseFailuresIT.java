package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.ingest.IngestClients;
import io.shm.testing.AdminClient;
import io.shm.testing.Deployments;
import io.shm.testing.TestDatabase;
import java.net.URL;
import java.net.http.HttpResponse;
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
 * retry for as long as it lasts); a value PostgreSQL refuses is the request's fault, answered 400,
 * and not retried forever.
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
     * A search text with a NUL character passes the admin API's checks, but PostgreSQL text cannot hold
     * U+0000, so the driver refuses the parameter (SQL state class 22). Asking again cannot help: a 400.
     */
    @Test
    void aParameterPostgreSqlCannotTakeIsA400WithoutRetryAfter() {
        HttpResponse<String> refused = AdminClient.withTestToken(base).get("/api/v1/admin/instances?q=a%00b");

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"unstorable_value\""), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isEmpty(), "nothing to retry");
        assertEquals(200, AdminClient.withTestToken(base).get("/api/v1/admin/instances?q=ab").statusCode(),
                "the same search without the NUL character is answered");
    }
}
