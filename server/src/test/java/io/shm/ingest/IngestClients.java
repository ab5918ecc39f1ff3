package io.shm.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.testing.Http;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;

/** Builds protocol clients for integration tests: new identities, registered and activated. */
public final class IngestClients {

    private IngestClients() {
    }

    public static ShmClient newClient(URL base) {
        return new ShmClient(URI.create(base.toString()), InstanceIdentity.generate(), Http.client());
    }

    public static ShmClient activeClient(URL base, String app, String version) throws IOException, InterruptedException {
        ShmClient client = newClient(base);
        assertEquals(201, client.register(app, version, "docker", "production", "linux/amd64").status());
        ShmResponse activated = client.activate();
        assertEquals(200, activated.status(), activated.body());
        return client;
    }

    public static JsonObject metrics(Object... keysAndValues) {
        var builder = Json.createObjectBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = (String) keysAndValues[i];
            Object value = keysAndValues[i + 1];
            if (value instanceof Integer n) {
                builder.add(key, n);
            } else if (value instanceof Long n) {
                builder.add(key, n);
            } else if (value instanceof Double n) {
                builder.add(key, n);
            } else if (value instanceof Boolean b) {
                builder.add(key, b);
            } else if (value == null) {
                builder.addNull(key);
            } else {
                builder.add(key, value.toString());
            }
        }
        return builder.build();
    }

    public static JsonObject json(String text) {
        try (var reader = Json.createReader(new java.io.StringReader(text))) {
            return reader.readObject();
        }
    }

    /** A refusal as the README promises it: problem+json with its status and reason, no exception named. */
    public static void assertProblem(ShmResponse response) {
        assertTrue(response.header("Content-Type").orElse("").startsWith("application/problem+json"), response.toString());
        JsonObject problem = json(response.body());
        assertEquals(response.status(), problem.getInt("status"));
        assertTrue(problem.containsKey("reason"));
        assertTrue(!response.body().contains("Exception"), "no stack trace or exception name: " + response.body());
    }
}
