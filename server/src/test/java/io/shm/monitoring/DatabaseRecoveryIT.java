package io.shm.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.testing.Deployments;
import io.shm.testing.Http;
import io.shm.testing.TestDatabase;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deployed WAR answers over HTTP and survives PostgreSQL going away and coming back. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseRecoveryIT {

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
    void healthcheckAnswersOk() {
        HttpResponse<String> response = Http.get(base, "api/v1/healthcheck");

        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\"}", response.body().replace(" ", ""));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void readinessFollowsTheDatabaseAndRecoversWithoutRestart() throws InterruptedException {
        assertEquals(200, Http.get(base, "health/ready").statusCode(), "ready with the database up");

        TestDatabase.get().stop();
        HttpResponse<String> down = Http.get(base, "health/ready");
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("DOWN"), down.body());

        TestDatabase.get().start();
        // The first request after the restart must already succeed: the pool validates connections.
        HttpResponse<String> up = Http.get(base, "health/ready");
        assertEquals(200, up.statusCode(), up.body());
    }
}
