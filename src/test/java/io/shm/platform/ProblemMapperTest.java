package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.ingest.control.IngestStats;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProblemMapperTest {

    private final List<LogRecord> logged = new ArrayList<>();
    private final List<Object> counted = new ArrayList<>();
    private final Logger log = Logger.getLogger(ProblemMapperTest.class.getName() + ".mapper");
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
    private final ProblemMapper mapper = new ProblemMapper();

    ProblemMapperTest() {
        log.setUseParentHandlers(false);
        log.setLevel(Level.ALL);
        log.addHandler(capture);
        mapper.log = log;
        mapper.stats = new IngestStats() {
            @Override
            public void refused(Refusal refusal) {
                counted.add(refusal);
            }

            @Override
            public void failed(Throwable failure) {
                counted.add(failure);
            }
        };
    }

    @AfterEach
    void detach() {
        log.removeHandler(capture);
    }

    @Test
    void aDefectIsA500WithACorrelationIdThatTheLogLineCarriesWithTheStackTrace() {
        IllegalStateException defect = new IllegalStateException("no bucket for width 'x' at /internal/path");

        Response answer = mapper.toResponse(defect);

        assertEquals(500, answer.getStatus());
        JsonObject body = body(answer);
        assertEquals("internal_error", body.getString("reason"));
        String correlationId = body.getString("correlation_id");
        assertFalse(answer.getEntity().toString().contains("no bucket"), "no message, no stack trace in the answer");
        assertFalse(answer.getEntity().toString().contains("IllegalStateException"));
        assertEquals(1, logged.size(), "logged once");
        assertEquals(Level.SEVERE, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains(correlationId), logged.get(0).getMessage());
        assertSame(defect, logged.get(0).getThrown(), "the stack trace is in the log");
        assertEquals(List.of(defect), counted);
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
        assertEquals(List.of(Refusal.DATABASE_UNAVAILABLE), counted);
    }

    @Test
    void aValueTheDatabaseRefusesIsA400WithoutRetryAfterNorTheDriversMessage() {
        Response answer = mapper.toResponse(new SQLException("ERROR: date/time field value out of range: \"secret\"", "22008"));

        assertEquals(400, answer.getStatus());
        JsonObject body = body(answer);
        assertEquals("unstorable_value", body.getString("reason"));
        assertEquals("SQL state 22008", body.getString("detail"));
        assertNull(answer.getHeaderString("Retry-After"));
        assertFalse(answer.getEntity().toString().contains("secret"));
        assertEquals(List.of(Refusal.UNSTORABLE_VALUE), counted);
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
