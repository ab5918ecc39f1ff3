package io.shm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP for tests that check what a client sees. HTTP/1.1: Grizzly and the JDK client disagree on h2c upgrades. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    public static HttpClient client() {
        return CLIENT;
    }

    public static HttpResponse<String> get(URL base, String path) {
        return send(HttpRequest.newBuilder(resolve(base, path)).GET().timeout(Duration.ofSeconds(30)).build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static URI resolve(URL base, String path) {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        return URI.create(root).resolve(path.startsWith("/") ? path.substring(1) : path);
    }
}
