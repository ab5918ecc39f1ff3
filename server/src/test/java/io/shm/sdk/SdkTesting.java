package io.shm.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shm.testing.Http;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** What the tests of the Java SDK against the deployed server share. */
final class SdkTesting {

    private SdkTesting() {
    }

    /** A fresh application name, equal to its slug, so that each test sees only its own instances. */
    static String newAppName() {
        return "sdk-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String serverUrl(URL base) {
        String url = base.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A counter of the server's Prometheus output, e.g. {@code shm_ingest_refused_total} with {@code reason="rate_limited"}. */
    static double counter(URL base, String name, String label) {
        HttpResponse<String> metrics = Http.get(base, "metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " " + label + " not in:\n" + metrics.body()));
    }

    /** Waits for a condition, checking it every 100 ms, and fails after {@code limit}. */
    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        Instant giveUp = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("Still not the case after " + limit + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}
