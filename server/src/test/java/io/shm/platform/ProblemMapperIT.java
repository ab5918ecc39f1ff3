package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import io.shm.testing.Deployments;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mapper inside the deployed server (it builds JAX-RS responses, which need the container's JAX-RS
 * implementation), fed with exceptions as JPA, the pool and the driver throw them, and with a defect
 * that no request from outside can provoke on purpose.
 */
@ExtendWith(ArquillianExtension.class)
class ProblemMapperIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @Inject
    ProblemMapper mapper;

    @Inject
    IngestStats stats;

    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger(ProblemMapper.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        log.addHandler(capture);
    }

    @AfterEach
    void detach() {
        log.removeHandler(capture);
    }

    @Test
    void aDefectIsA500WithACorrelationIdThatTheLogLineCarriesWithTheStackTrace() {
        IllegalStateException defect = new IllegalStateException("no bucket for width 'x' at /internal/path");
        long failures = stats.failureCount();

        Response answer = mapper.toResponse(defect);

        assertEquals(500, answer.getStatus());
        JsonObject body = body(answer);
        assertEquals("internal_error", body.getString("reason"));
        String correlationId = body.getString("correlation_id");
        assertFalse(answer.getEntity().toString().contains("no bucket"), "no message, no stack trace in the answer");
        assertFalse(answer.getEntity().toString().contains("IllegalStateException"));
        List<LogRecord> severe = logged.stream().filter(record -> record.getLevel() == Level.SEVERE).toList();
        assertEquals(1, severe.size(), "logged once");
        assertTrue(severe.get(0).getMessage().contains(correlationId), severe.get(0).getMessage());
        assertSame(defect, severe.get(0).getThrown(), "the stack trace is in the log");
        assertEquals(failures + 1, stats.failureCount(), "counted as a failure");
    }

    @Test
    void everyDefectHasItsOwnCorrelationId() {
        String first = body(mapper.toResponse(new NullPointerException())).getString("correlation_id");
        String second = body(mapper.toResponse(new NullPointerException())).getString("correlation_id");

        assertFalse(first.equals(second));
    }

    @Test
    void aLostConnectionIsA503WithRetryAfter() {
        Response answer = mapper.toResponse(new IllegalStateException("token lookup failed",
                new SQLException("An I/O error occurred while sending to the backend.", "08006")));

        assertEquals(503, answer.getStatus());
        assertEquals("database_unavailable", body(answer).getString("reason"));
        assertEquals(ProblemMapper.RETRY_AFTER_SECONDS, answer.getHeaderString("Retry-After"));
    }

    @Test
    void aPoolThatGivesNoConnectionIsA503() {
        Response answer = mapper.toResponse(new IllegalStateException(new SQLException("Error in allocating a connection",
                null, new jakarta.resource.spi.ResourceAllocationException("In-use connections equal max-pool-size"))));

        assertEquals(503, answer.getStatus());
        assertEquals("database_unavailable", body(answer).getString("reason"));
    }

    @Test
    void aValueTheDatabaseRefusesIsA400WithoutRetryAfterNorTheDriversMessage() {
        long refused = stats.refusedCounts().get(Refusal.UNSTORABLE_VALUE);
        Response answer = mapper.toResponse(new SQLException("ERROR: date/time field value out of range: \"secret\"", "22008"));

        assertEquals(400, answer.getStatus());
        JsonObject body = body(answer);
        assertEquals("unstorable_value", body.getString("reason"));
        assertEquals("SQL state 22008", body.getString("detail"));
        assertNull(answer.getHeaderString("Retry-After"));
        assertFalse(answer.getEntity().toString().contains("secret"));
        assertEquals(refused + 1, stats.refusedCounts().get(Refusal.UNSTORABLE_VALUE).longValue(), "counted by its reason");
    }

    @Test
    void aLostRaceIsA409() {
        Response answer = mapper.toResponse(new SQLException("ERROR: duplicate key value", "23505"));

        assertEquals(409, answer.getStatus());
        assertEquals("concurrent_change", body(answer).getString("reason"));
    }

    @Test
    void aStatementTheDatabaseCannotRunIsADefect() {
        Response answer = mapper.toResponse(new SQLException("ERROR: relation \"snapshot\" does not exist", "42P01"));

        assertEquals(500, answer.getStatus());
        assertTrue(body(answer).containsKey("correlation_id"));
        assertNull(answer.getHeaderString("Retry-After"), "no retry of a defect");
    }

    private static JsonObject body(Response answer) {
        try (var reader = Json.createReader(new StringReader(answer.getEntity().toString()))) {
            return reader.readObject();
        }
    }
}
