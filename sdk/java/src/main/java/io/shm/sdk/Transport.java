package io.shm.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One protocol request, retried while the server asks to wait: 429 (rate limited, honouring its
 * {@code Retry-After}) and 503 (database unavailable). Waits grow exponentially with jitter, and
 * nothing is retried past the deadline the caller gives (for background reports, the next
 * interval), so a failing request is dropped rather than queued.
 */
final class Transport {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration LONGEST_BACKOFF = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger("io.shm.sdk");
    private static final String USER_AGENT = "shm-client-java/"
            + Optional.ofNullable(Transport.class.getPackage().getImplementationVersion()).orElse("dev");

    private final URI server;
    private final HttpClient http;

    Transport(URI server) {
        this.server = server;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1: a plain-http request of the JDK client otherwise asks for an h2c upgrade, which
                // some servers (Grizzly, under Payara) mishandle; a few requests an hour gain nothing from HTTP/2.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** An answer as received. */
    record Answer(int status, String body, Optional<Duration> retryAfter) {
    }

    /**
     * Sends {@code body} to {@code path} (signed by {@code identity} when it is not null) until an
     * answer other than 429 or 503 arrives or the next wait would end after {@code deadline}.
     *
     * @param expected the status that means success (202 for a snapshot; 200 also covers 201)
     */
    Outcome send(String path, byte[] body, Identity identity, int expected, Instant deadline) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (identity != null) {
            request.header("X-Instance-ID", identity.instanceId().toString()).header("X-Signature", identity.signHex(body));
        }
        HttpRequest built = request.build();
        for (int attempt = 1; ; attempt++) {
            Answer answer;
            try {
                HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                answer = new Answer(response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After").flatMap(Transport::retryAfter));
            } catch (IOException e) {
                return Outcome.unreachable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            boolean success = answer.status() == expected || (expected == 200 && answer.status() == 201);
            if (success) {
                return new Outcome(Outcome.Kind.ACCEPTED, answer.status(), "", answer.body());
            }
            Outcome refused = new Outcome(Outcome.Kind.REFUSED, answer.status(), reason(answer.body()), answer.body());
            if (answer.status() != 429 && answer.status() != 503) {
                return refused;
            }
            Duration wait = delay(attempt, answer.retryAfter().orElse(null));
            if (Instant.now().plus(wait).isAfter(deadline)) {
                LOG.log(System.Logger.Level.DEBUG, () -> path + " answered " + answer.status() + "; no retry before the deadline");
                return refused;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> path + " answered " + answer.status() + "; retrying in " + wait.toMillis() + " ms");
            Thread.sleep(wait.toMillis());
        }
    }

    /**
     * How long to wait before attempt {@code attempt + 1}: at least what the server asked for, and an
     * exponential backoff (1 s, 2 s, 4 s... at most 5 min) of which a random part is waited
     * ("equal jitter"), so that instances turned away together do not come back together.
     */
    static Duration delay(int attempt, Duration retryAfter) {
        long ceiling = Math.min(LONGEST_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 20));
        long backoff = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        if (retryAfter == null) {
            return Duration.ofMillis(backoff);
        }
        // The server's time plus a little jitter, spread over up to a second.
        return retryAfter.plusMillis(ThreadLocalRandom.current().nextLong(Math.min(backoff, 1000) + 1));
    }

    /** {@code Retry-After} as seconds or as an HTTP date; empty when it is neither. */
    static Optional<Duration> retryAfter(String header) {
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), when);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException neither) {
                return Optional.empty();
            }
        }
    }

    /** The {@code reason} of a problem answer, or empty. */
    static String reason(String body) {
        try {
            Object reason = Json.readObject(body).get("reason");
            return reason instanceof String text ? text : "";
        } catch (IllegalArgumentException notJson) {
            return "";
        }
    }

    private URI resolve(String path) {
        String base = server.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }
}
