package io.shm.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the admin API with a bearer token, as an operator's script would. */
public final class AdminClient {

    /** The token the integration-test containers configure as SHM_ADMIN_TOKEN (see the failsafe configuration). */
    public static final String TEST_TOKEN = System.getProperty("shm.test.admin.token");

    private final URL base;
    private final String token;

    public AdminClient(URL base, String token) {
        this.base = base;
        this.token = token;
    }

    public static AdminClient withTestToken(URL base) {
        return new AdminClient(base, TEST_TOKEN);
    }

    public HttpResponse<String> get(String path) {
        return Http.send(request(path).GET().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return Http.send(request(path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> put(String path, String json) {
        return Http.send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> delete(String path) {
        return Http.send(request(path).DELETE().build());
    }

    /** GETs a path that must answer 200 with a JSON object. */
    public JsonObject object(String path) {
        return (JsonObject) ok(get(path));
    }

    public JsonArray array(String path) {
        return (JsonArray) ok(get(path));
    }

    public static JsonStructure ok(HttpResponse<String> response) {
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new AssertionError(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    public static JsonStructure parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.read();
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(Http.resolve(base, path)).timeout(Duration.ofSeconds(120));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }
}
