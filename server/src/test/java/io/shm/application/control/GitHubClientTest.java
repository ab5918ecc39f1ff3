package io.shm.application.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.shm.application.entity.GitHubRepository;
import io.shm.application.control.StarsResult.Status;
import io.shm.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GitHubClient against a local HTTP server playing GitHub's API. */
class GitHubClientTest {

    private static final GitHubRepository ACKIFY = new GitHubRepository("btouchard", "ackify");
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<String> requestPaths = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private ExecutorService executor;
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void answer(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            requestPaths.add(exchange.getRequestURI().getPath());
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            handler.handle(exchange);
        });
    }

    private static HttpHandler json(int status, String body, Map<String, String> headers) {
        return exchange -> {
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    private static HttpHandler json(int status, String body) {
        return json(status, body, Map.of());
    }

    private GitHubClient client(Optional<String> token) {
        GitHubClient client = new GitHubClient();
        client.api = "http://127.0.0.1:" + server.getAddress().getPort();
        client.token = token;
        client.clock = clock;
        client.connectTimeout = Duration.ofSeconds(5);
        // Generous: the first exchange of a cold JVM on a busy machine can take a second.
        client.requestTimeout = Duration.ofSeconds(5);
        client.start();
        return client;
    }

    private GitHubClient client() {
        return client(Optional.empty());
    }

    private String header(String name) {
        return requestHeaders.get(0).entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                .map(entry -> entry.getValue().get(0))
                .findFirst().orElse(null);
    }

    @Test
    void starsAreReadFromTheRepository() {
        answer("/repos/btouchard/ackify", json(200, "{\"full_name\":\"btouchard/ackify\",\"stargazers_count\":1234}"));

        StarsResult result = client().fetchStars(ACKIFY);

        assertEquals(StarsResult.ok(1234), result);
        assertEquals(List.of("/repos/btouchard/ackify"), requestPaths);
        assertEquals("application/vnd.github+json", header("Accept"));
        assertEquals("2022-11-28", header("X-GitHub-Api-Version"));
        assertEquals("shm-server", header("User-Agent"));
        assertNull(header("Authorization"), "no token configured, none sent");
    }

    @Test
    void aConfiguredTokenIsSentAsBearer() {
        answer("/repos/btouchard/ackify", json(200, "{\"stargazers_count\":0}"));

        StarsResult result = client(Optional.of("ghp_secret")).fetchStars(ACKIFY);

        assertEquals(StarsResult.ok(0), result);
        assertEquals("Bearer ghp_secret", header("Authorization"));
    }

    @Test
    void aBlankTokenCountsAsNone() {
        answer("/repos/btouchard/ackify", json(200, "{\"stargazers_count\":3}"));

        client(Optional.of("  ")).fetchStars(ACKIFY);

        assertNull(header("Authorization"));
    }

    @Test
    void anUnknownRepositoryIsNotFound() {
        answer("/repos/", json(404, "{\"message\":\"Not Found\"}"));

        assertEquals(Status.NOT_FOUND, client().fetchStars(ACKIFY).status());
    }

    @Test
    void anExhaustedRateLimitWaitsUntilItsReset() {
        long reset = NOW.getEpochSecond() + 1800;
        answer("/repos/", json(403, "{\"message\":\"API rate limit exceeded\"}",
                Map.of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", Long.toString(reset))));

        StarsResult result = client().fetchStars(ACKIFY);

        assertEquals(StarsResult.rateLimited(Instant.ofEpochSecond(reset)), result);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        answer("/repos/", json(429, "{}", Map.of("Retry-After", "120")));

        assertEquals(StarsResult.rateLimited(NOW.plusSeconds(120)), client().fetchStars(ACKIFY));
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
        answer("/repos/", json(403, "{}", Map.of("Retry-After", date, "X-RateLimit-Remaining", "10")));

        assertEquals(StarsResult.rateLimited(NOW.plusSeconds(90)), client().fetchStars(ACKIFY));
    }

    @Test
    void anAbsurdWaitIsCappedAtADay() {
        answer("/repos/", json(429, "{}", Map.of("Retry-After", "99999999999999")));

        assertEquals(StarsResult.rateLimited(NOW.plus(Duration.ofDays(1))), client().fetchStars(ACKIFY));
    }

    @Test
    void aForbiddenWithoutRateLimitHeadersIsAFailure() {
        answer("/repos/", json(403, "{\"message\":\"Repository access blocked\"}", Map.of("X-RateLimit-Remaining", "42")));

        assertEquals(StarsResult.failed("HTTP 403"), client().fetchStars(ACKIFY));
    }

    @Test
    void aServerErrorIsAFailure() {
        answer("/repos/", json(500, "oops"));

        assertEquals(StarsResult.failed("HTTP 500"), client().fetchStars(ACKIFY));
    }

    @Test
    void malformedJsonIsAFailure() {
        answer("/repos/", json(200, "{\"stargazers_count\": 12"));

        assertEquals(StarsResult.failed("answer is not JSON"), client().fetchStars(ACKIFY));
    }

    @Test
    void aMissingOrOddCountIsAFailure() {
        answer("/repos/o/missing", json(200, "{\"name\":\"missing\"}"));
        answer("/repos/o/negative", json(200, "{\"stargazers_count\":-1}"));
        answer("/repos/o/fraction", json(200, "{\"stargazers_count\":1.5}"));
        answer("/repos/o/text", json(200, "{\"stargazers_count\":\"12\"}"));
        answer("/repos/o/huge", json(200, "{\"stargazers_count\":99999999999}"));
        answer("/repos/o/exponent", json(200, "{\"stargazers_count\":1e999999999}"));
        answer("/repos/o/array", json(200, "[1]"));
        GitHubClient client = client();

        assertEquals(StarsResult.failed("answer has no stargazers_count"), client.fetchStars(new GitHubRepository("o", "missing")));
        for (String name : List.of("negative", "fraction", "text", "exponent")) {
            assertEquals(StarsResult.failed("stargazers_count is not a non-negative integer"),
                    client.fetchStars(new GitHubRepository("o", name)), name);
        }
        assertEquals(StarsResult.failed("stargazers_count is out of range"), client.fetchStars(new GitHubRepository("o", "huge")));
        assertEquals(StarsResult.failed("answer is not a JSON object"), client.fetchStars(new GitHubRepository("o", "array")));
    }

    @Test
    void aBodyPastTheBoundIsNotReadToTheEnd() {
        AtomicLong written = new AtomicLong();
        answer("/repos/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('{');
                // Endless, as far as a client that reads it all is concerned.
                while (written.addAndGet(chunk.length) < 512L * 1024 * 1024) {
                    out.write(chunk);
                }
            } catch (IOException expected) {
                // the client hung up
            }
        });
        GitHubClient client = client();
        client.maxBodyBytes = 256 * 1024;

        StarsResult result = client.fetchStars(ACKIFY);

        assertEquals(StarsResult.failed("answer larger than 262144 bytes"), result);
        assertTrue(written.get() < 64L * 1024 * 1024, "the client stopped reading, wrote " + written.get());
    }

    @Test
    void aBodyWithinTheBoundIsRead() {
        answer("/repos/", json(200, "{\"stargazers_count\":7,\"description\":\"" + "x".repeat(1000) + "\"}"));
        GitHubClient client = client();
        client.maxBodyBytes = 1100;

        assertEquals(StarsResult.ok(7), client.fetchStars(ACKIFY));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        answer("/repos/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        GitHubClient client = client();
        client.requestTimeout = Duration.ofMillis(300);
        long start = System.nanoTime();

        StarsResult result = client.fetchStars(ACKIFY);

        assertEquals(StarsResult.failed("no answer within 300 ms"), result);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) < 0);
    }

    @Test
    void aBodyThatNeverEndsTimesOut() {
        answer("/repos/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write('{');
            exchange.getResponseBody().flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        GitHubClient client = client();
        client.requestTimeout = Duration.ofMillis(300);

        assertEquals(StarsResult.failed("no answer within 300 ms"), client.fetchStars(ACKIFY));
    }

    @Test
    void nobodyListeningIsAFailure() {
        GitHubClient client = client();
        server.stop(0);

        StarsResult result = client.fetchStars(ACKIFY);

        assertEquals(Status.FAILED, result.status());
    }

    @Test
    void aRenamedRepositoryIsFollowedWithinTheApi() {
        answer("/repos/btouchard/ackify", json(301, "{}", Map.of("Location", "/repositories/42")));
        answer("/repositories/42", json(200, "{\"stargazers_count\":5}"));

        StarsResult result = client(Optional.of("ghp_secret")).fetchStars(ACKIFY);

        assertEquals(StarsResult.ok(5), result);
        assertEquals(List.of("/repos/btouchard/ackify", "/repositories/42"), requestPaths);
    }

    @Test
    void aRedirectElsewhereIsNotFollowed() {
        answer("/repos/", json(302, "{}", Map.of("Location", "http://localhost:1/steal")));

        StarsResult result = client(Optional.of("ghp_secret")).fetchStars(ACKIFY);

        assertEquals(StarsResult.failed("HTTP 302 to somewhere other than the GitHub API"), result);
        assertEquals(1, requestPaths.size());
    }

    @Test
    void aTokenThatIsNoHeaderValueFailsWithoutQuotingIt() {
        answer("/repos/", json(200, "{\"stargazers_count\":1}"));

        StarsResult result = client(Optional.of("ghp_secret\r\nX-Injected: 1")).fetchStars(ACKIFY);

        assertEquals(Status.FAILED, result.status());
        assertFalse(result.reason().contains("ghp_secret"), result.reason());
        assertTrue(requestPaths.isEmpty());
    }
}
