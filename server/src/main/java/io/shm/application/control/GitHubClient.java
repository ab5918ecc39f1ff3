package io.shm.application.control;

import io.shm.application.entity.GitHubRepository;
import io.shm.platform.JsonSupport;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads a repository's star count from the GitHub REST API ({@code shm.github.api}), with the token
 * {@code shm.github.token} when one is configured (5,000 calls an hour instead of 60). Every remote
 * failure comes back as a {@link StarsResult}, never as an exception; the whole exchange is bounded
 * in time and the body in size, so a slow or hostile endpoint costs at most a few seconds and a MiB.
 */
@ApplicationScoped
public class GitHubClient {

    static final String API_VERSION = "2022-11-28";
    static final String USER_AGENT = "shm-server";
    /** GitHub answers a renamed repository with a redirect to its new address. */
    static final int MAX_REDIRECTS = 3;
    /** Without a usable hint how long to wait after a rate limit. */
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(1);
    /** GitHub's limits reset within the hour: a longer wait can only come from a broken answer. */
    static final Duration MAX_WAIT = Duration.ofDays(1);

    @Inject
    @ConfigProperty(name = "shm.github.api", defaultValue = "https://api.github.com")
    String api;

    @Inject
    @ConfigProperty(name = "shm.github.token")
    Optional<String> token;

    @Inject
    Clock clock;

    Duration connectTimeout = Duration.ofSeconds(5);
    Duration requestTimeout = Duration.ofSeconds(10);
    int maxBodyBytes = 1024 * 1024;

    private URI base;
    private HttpClient http;

    @PostConstruct
    void start() {
        base = URI.create(api.endsWith("/") ? api : api + "/");
        if (!("https".equals(base.getScheme()) || "http".equals(base.getScheme())) || base.getHost() == null) {
            throw new IllegalStateException("shm.github.api must be an http or https URL");
        }
        // Redirects are followed by hand, and only within the API's origin: the client would carry the token anywhere.
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public StarsResult fetchStars(GitHubRepository repository) {
        URI uri = base.resolve("repos/" + repository.owner() + "/" + repository.name());
        try {
            for (int redirects = 0; ; redirects++) {
                HttpResponse<byte[]> response = exchange(uri);
                if (!isRedirect(response.statusCode())) {
                    return interpret(response);
                }
                Optional<URI> next = sameOriginLocation(uri, response.headers());
                if (next.isEmpty()) {
                    return StarsResult.failed("HTTP " + response.statusCode() + " to somewhere other than the GitHub API");
                }
                if (redirects == MAX_REDIRECTS) {
                    return StarsResult.failed("more than " + MAX_REDIRECTS + " redirects");
                }
                uri = next.get();
            }
        } catch (HttpConnectTimeoutException e) {
            return StarsResult.failed("could not connect within " + connectTimeout.toMillis() + " ms");
        } catch (HttpTimeoutException | TimeoutException e) {
            return StarsResult.failed("no answer within " + requestTimeout.toMillis() + " ms");
        } catch (BodyTooLarge e) {
            return StarsResult.failed("answer larger than " + maxBodyBytes + " bytes");
        } catch (IOException e) {
            return StarsResult.failed("I/O error: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StarsResult.failed("interrupted");
        }
    }

    private HttpResponse<byte[]> exchange(URI uri) throws IOException, InterruptedException, TimeoutException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("User-Agent", USER_AGENT)
                .GET();
        Optional<String> bearer = token.map(String::strip).filter(t -> !t.isEmpty());
        if (bearer.isPresent()) {
            try {
                request.header("Authorization", "Bearer " + bearer.get());
            } catch (IllegalArgumentException e) {
                // The message would quote the token.
                throw new IOException("shm.github.token is not a valid header value");
            }
        }
        // The request timeout only covers the wait for the headers; the body gets the same bound here.
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request.build(),
                info -> info.statusCode() == 200 ? new BoundedBody(maxBodyBytes) : HttpResponse.BodySubscribers.replacing(null));
        try {
            return pending.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw ioCause(e);
        }
    }

    /** The HTTP client wraps what failed, sometimes twice; the caller wants to know what it was. */
    private static IOException ioCause(ExecutionException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge || cause instanceof HttpTimeoutException) {
                return (IOException) cause;
            }
        }
        return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 307 || status == 308;
    }

    private static Optional<URI> sameOriginLocation(URI from, HttpHeaders headers) {
        try {
            return headers.firstValue("Location")
                    .map(from::resolve)
                    .filter(to -> from.getScheme().equals(to.getScheme())
                            && from.getHost().equalsIgnoreCase(to.getHost())
                            && from.getPort() == to.getPort()
                            && to.getRawUserInfo() == null);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private StarsResult interpret(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 200) {
            return starsIn(response.body());
        }
        if (status == 404) {
            return StarsResult.notFound();
        }
        if (status == 403 || status == 429) {
            Optional<Instant> until = rateLimitedUntil(response.headers());
            if (until.isPresent()) {
                return StarsResult.rateLimited(until.get());
            }
        }
        return StarsResult.failed("HTTP " + status);
    }

    private static StarsResult starsIn(byte[] body) {
        JsonValue value;
        try (JsonReader reader = JsonSupport.reader(new ByteArrayInputStream(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            // Parsson throws plain RuntimeExceptions besides JsonException for some malformed input.
            return StarsResult.failed("answer is not JSON");
        }
        if (!(value instanceof JsonObject object)) {
            return StarsResult.failed("answer is not a JSON object");
        }
        JsonValue count = object.get("stargazers_count");
        if (count == null) {
            return StarsResult.failed("answer has no stargazers_count");
        }
        // isIntegral first: it only looks at the scale, so 1e999999999 never becomes a huge BigInteger.
        if (!(count instanceof JsonNumber number) || !number.isIntegral() || number.bigDecimalValue().signum() < 0) {
            return StarsResult.failed("stargazers_count is not a non-negative integer");
        }
        try {
            return StarsResult.ok(number.intValueExact());
        } catch (ArithmeticException e) {
            return StarsResult.failed("stargazers_count is out of range");
        }
    }

    /**
     * GitHub's advice: wait for {@code Retry-After} when it is there; else, when
     * {@code X-RateLimit-Remaining} is 0, until {@code X-RateLimit-Reset}. A 403 with neither is a
     * refusal, not a limit.
     */
    private Optional<Instant> rateLimitedUntil(HttpHeaders headers) {
        Instant now = clock.instant();
        Optional<String> retryAfter = headers.firstValue("Retry-After").map(String::strip);
        Instant until;
        if (retryAfter.isPresent()) {
            until = retryAfter(retryAfter.get(), now);
        } else if (headers.firstValue("X-RateLimit-Remaining").map(String::strip).filter("0"::equals).isPresent()) {
            until = headers.firstValue("X-RateLimit-Reset")
                    .flatMap(reset -> epochSeconds(reset.strip()))
                    .orElse(now.plus(DEFAULT_WAIT));
        } else {
            return Optional.empty();
        }
        Instant latest = now.plus(MAX_WAIT);
        return Optional.of(until.isBefore(now) ? now : until.isAfter(latest) ? latest : until);
    }

    /** Retry-After is a number of seconds (what GitHub sends) or an HTTP date. */
    private static Instant retryAfter(String value, Instant now) {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds = value.length() > 9 ? MAX_WAIT.toSeconds() : Long.parseLong(value);
            return now.plusSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return now.plus(DEFAULT_WAIT);
        }
    }

    private static Optional<Instant> epochSeconds(String value) {
        if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
    }

    /** Signals a body past the bound; its message is all the caller needs. */
    static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("response body too large", null);
        }
    }

    /** Collects a body up to {@code limit} bytes, and stops reading (the connection is dropped) past it. */
    static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (buffer.remaining() > limit - bytes.size()) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
