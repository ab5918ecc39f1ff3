package io.shm.ingest;

import static io.shm.ingest.IngestClients.json;
import static io.shm.ingest.IngestClients.metrics;
import static io.shm.ingest.IngestClients.newClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shm.client.InstanceIdentity;
import io.shm.client.ShmClient;
import io.shm.client.ShmResponse;
import io.shm.sdk.Outcome;
import io.shm.sdk.ShmReporter;
import io.shm.testing.Deployments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits with the original server's defaults, on a deployment that trusts 127.0.0.2 as its
 * reverse proxy. The tests run in order-independent ways: each uses its own client address
 * (127.0.0.x through the trusted proxy) or its own instance. The Java SDK's tests here show that it
 * waits out a 429 as the server asks.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RateLimitIT {

    private static final String TRUSTED_PROXY = "127.0.0.2";

    @Deployment(testable = false)
    @TargetsContainer("payara-micro-ratelimited")
    static WebArchive deployment() {
        return Deployments.shmWar();
    }

    @ArquillianResource
    URL base;

    @TempDir
    Path dataDir;

    private final Instant start = Instant.now().minus(1, ChronoUnit.HOURS);

    @Test
    void registerAllowsABurstOfTwoPerAddressThen429WithItsHeaders() throws Exception {
        String client = "203.0.113.10";
        assertEquals(201, registerVia(TRUSTED_PROXY, client).status());
        assertEquals(201, registerVia(TRUSTED_PROXY, client).status());

        RawResponse limited = registerVia(TRUSTED_PROXY, client);

        assertEquals(429, limited.status());
        assertEquals("rate_limited", json(limited.body()).getString("reason"));
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 12, "one token every 12 s: " + retryAfter);
        assertEquals("5", limited.header("x-ratelimit-limit"));
        assertEquals("0", limited.header("x-ratelimit-remaining"));
        long reset = Long.parseLong(limited.header("x-ratelimit-reset"));
        assertTrue(Math.abs(reset - (Instant.now().getEpochSecond() + retryAfter)) <= 2, "reset is when to retry");

        assertEquals(201, registerVia(TRUSTED_PROXY, "203.0.113.11").status(), "another client has its own allowance");
    }

    @Test
    void aForgedForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        // 127.0.0.3 is not a trusted proxy: whatever X-Forwarded-For it sends, it is counted as itself.
        assertEquals(201, registerVia("127.0.0.3", "198.51.100.1").status());
        assertEquals(201, registerVia("127.0.0.3", "198.51.100.2").status());
        assertEquals(429, registerVia("127.0.0.3", "198.51.100.3").status());
    }

    @Test
    void theRightMostUntrustedHopIsTheClient() throws Exception {
        // The client wrote a fake first hop; the proxy appended the real address.
        assertEquals(201, registerVia(TRUSTED_PROXY, "10.9.9.9, 192.0.2.50").status());
        assertEquals(201, registerVia(TRUSTED_PROXY, "10.9.9.8, 192.0.2.50").status());
        assertEquals(429, registerVia(TRUSTED_PROXY, "10.9.9.7, 192.0.2.50").status());
    }

    @Test
    void snapshotsAreLimitedPerInstanceAndOnlyAfterTheSignatureIsVerified() throws Exception {
        ShmClient victim = newClient(base);
        assertEquals(201, sendVia(TRUSTED_PROXY, "192.0.2.60", "/v1/register",
                victim.registerBody("Limited", "1.0.0", null, null, null), ShmClient.jsonHeaders()).status());
        byte[] activate = victim.activateBody();
        assertEquals(200, sendVia(TRUSTED_PROXY, "192.0.2.60", "/v1/activate", activate, victim.signedHeaders(activate)).status());

        // Forged snapshots in the victim's name do not use up its allowance.
        ShmClient forger = new ShmClient(java.net.URI.create(base.toString()), InstanceIdentity.fromSeed(victim.identity().instanceId(),
                InstanceIdentity.generate().seed()), io.shm.testing.Http.client());
        for (int i = 0; i < 5; i++) {
            assertEquals(403, forger.snapshot(start.plusSeconds(i), metrics("n", i)).status());
        }

        assertEquals(202, victim.snapshot(start.plusSeconds(10), metrics("n", 1)).status());
        assertEquals(202, victim.snapshot(start.plusSeconds(11), metrics("n", 2)).status());
        ShmResponse third = victim.snapshot(start.plusSeconds(12), metrics("n", 3));
        assertEquals(429, third.status());
        assertTrue(third.header("Retry-After").isPresent());
    }

    @Test
    void anAddressThatKeepsFailingSignatureChecksIsRefusedWith429() throws Exception {
        String client = "203.0.113.70";
        ShmClient forger = newClient(base);
        byte[] body = forger.snapshotBody(start, metrics("users", 1));
        for (int i = 0; i < 10; i++) {
            RawResponse refused = sendVia(TRUSTED_PROXY, client, "/v1/snapshot", body, forger.signedHeaders(body));
            assertEquals(403, refused.status(), "failure " + (i + 1) + ": " + refused.body());
        }

        RawResponse limited = sendVia(TRUSTED_PROXY, client, "/v1/snapshot", body, forger.signedHeaders(body));

        assertEquals(429, limited.status(), limited.body());
        assertEquals("rate_limited", json(limited.body()).getString("reason"));
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 6, "one failure allowed every 6 s: " + retryAfter);
        assertEquals(403, sendVia(TRUSTED_PROXY, "203.0.113.71", "/v1/snapshot", body, forger.signedHeaders(body)).status(),
                "another address has its own allowance");
    }

    // ---- the Java SDK under the default limits -------------------------------------------------

    @Test
    void theJavaSdkSendsARateLimitedSnapshotAgainWhenRetryAfterSays() {
        ShmReporter reporter = ShmReporter.builder(serverUrl(), "Sdk " + UUID.randomUUID(), "1.0.0").dataDirectory(dataDir)
                .retryWindow(Duration.ofMinutes(3)).build();
        assertEquals(Outcome.Kind.ACCEPTED, reporter.reportNow().kind());
        assertEquals(Outcome.Kind.ACCEPTED, reporter.reportNow().kind(), "the burst allows a second snapshot");
        double limited = rateLimitedCount();

        Outcome third = reporter.reportNow();

        assertEquals(Outcome.Kind.ACCEPTED, third.kind(), third.toString());
        assertTrue(rateLimitedCount() > limited, "the server did answer 429 first");
    }

    @Test
    void theJavaSdkDropsASnapshotThatMayNotWaitAsLongAsTheServerAsks() {
        ShmReporter reporter = ShmReporter.builder(serverUrl(), "Sdk " + UUID.randomUUID(), "1.0.0").dataDirectory(dataDir)
                .retryWindow(Duration.ofSeconds(1)).build();
        assertEquals(Outcome.Kind.ACCEPTED, reporter.reportNow().kind());
        assertEquals(Outcome.Kind.ACCEPTED, reporter.reportNow().kind());

        Outcome third = reporter.reportNow();

        assertEquals(Outcome.Kind.REFUSED, third.kind(), third.toString());
        assertEquals(429, third.status());
        assertEquals("rate_limited", third.reason());
    }

    private String serverUrl() {
        String url = base.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private double rateLimitedCount() {
        java.net.http.HttpResponse<String> metrics = io.shm.testing.Http.get(base, "metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith("shm_ingest_refused_total{") && line.contains("reason=\"rate_limited\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no rate_limited counter in:\n" + metrics.body()));
    }

    // ---- raw HTTP from a chosen loopback address ------------------------------------------------

    @Test
    void publicPagesAreLimitedPerAddressBeforeTheSlugIsLookedUp() throws Exception {
        String name = "Public limited " + UUID.randomUUID();
        ShmClient client = new ShmClient(java.net.URI.create(base.toString()), InstanceIdentity.generate(), io.shm.testing.Http.client());
        assertEquals(201, sendVia(TRUSTED_PROXY, "192.0.2.80", "/v1/register",
                client.registerBody(name, "1.0.0", null, null, null), ShmClient.jsonHeaders()).status());
        String slug = io.shm.application.entity.Application.slugOf(name);
        io.shm.testing.Rows.update("UPDATE application SET public_dashboard = true WHERE slug = ?", slug);
        String visitor = "198.51.100.80";

        // 60 a minute, in a burst of 60: a page that exists and one that does not take from the same
        // allowance. One more a second flows in while the requests are sent, however slowly they go.
        long started = System.nanoTime();
        int allowed = 0;
        RawResponse limited = null;
        boolean unknownLimited = false;
        for (int i = 0; limited == null || !unknownLimited; i++) {
            boolean exists = i % 2 == 0;
            RawResponse answer = getVia(TRUSTED_PROXY, visitor, exists ? "/public/" + slug : "/public/no-such-app");
            if (answer.status() == 429) {
                limited = exists ? answer : limited;
                unknownLimited |= !exists;
                continue;
            }
            assertEquals(exists ? 200 : 404, answer.status(), "request " + i);
            allowed++;
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertTrue(allowed <= 60 + seconds + 1, allowed + " requests allowed in " + seconds + " s");
        }

        assertTrue(allowed >= 60, "a burst of 60: " + allowed);
        assertTrue(limited.header("content-type").startsWith("text/html"), limited.header("content-type"));
        assertTrue(limited.body().contains("Too many requests"), limited.body());
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 1, "one request a second: " + retryAfter);
        assertEquals("60", limited.header("x-ratelimit-limit"));
        assertEquals("no-cache", limited.header("cache-control"), "a refusal is not cached");
        assertTrue(limited.header("content-security-policy").startsWith("default-src 'none'"));
        assertEquals(200, getVia(TRUSTED_PROXY, "198.51.100.81", "/public/" + slug).status(), "another visitor has its own allowance");
    }

    private RawResponse registerVia(String peer, String forwardedFor) throws IOException {
        ShmClient client = new ShmClient(java.net.URI.create(base.toString()), InstanceIdentity.generate(),
                io.shm.testing.Http.client());
        return sendVia(peer, forwardedFor, "/v1/register",
                client.registerBody("Rate " + UUID.randomUUID(), "1.0.0", null, null, null), ShmClient.jsonHeaders());
    }

    /** HTTP/1.1 over a socket bound to {@code peer}, so the server sees that address as the caller. */
    private RawResponse sendVia(String peer, String forwardedFor, String path, byte[] body, Map<String, String> headers)
            throws IOException {
        return sendVia("POST", peer, forwardedFor, path, body, headers);
    }

    private RawResponse getVia(String peer, String forwardedFor, String path) throws IOException {
        return sendVia("GET", peer, forwardedFor, path, new byte[0], Map.of());
    }

    private RawResponse sendVia(String method, String peer, String forwardedFor, String path, byte[] body,
                                Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(peer), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(base.getHost()), base.getPort()), 5000);
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder()
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Connection: close\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n")
                    .append("X-Forwarded-For: ").append(forwardedFor).append("\r\n");
            Map<String, String> all = new HashMap<>(headers);
            all.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return RawResponse.parse(response.toString(StandardCharsets.UTF_8));
        }
    }

    record RawResponse(int status, Map<String, String> headers, String body) {
        static RawResponse parse(String raw) {
            int split = raw.indexOf("\r\n\r\n");
            String[] lines = raw.substring(0, split).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String body = raw.substring(split + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }

        String header(String name) {
            return headers.get(name);
        }

        private static String dechunk(String chunked) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int eol = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
                if (size == 0) {
                    return out.toString();
                }
                out.append(chunked, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
        }
    }
}
