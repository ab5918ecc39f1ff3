package io.shm.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.shm.signature.control.Ed25519Verifier;
import io.shm.signature.control.PublicKeys;
import io.shm.signature.control.VerificationKey;
import io.shm.testing.ProtocolVectors;
import io.shm.testing.ProtocolVectors.Instance;
import io.shm.testing.ProtocolVectors.SignedBody;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's bodies against the vectors (made by the Node.js side), and its requests against a
 * bare JDK HTTP server that records what arrives.
 */
class ShmClientTest {

    private static final Instant SNAPSHOT_TIME = Instant.parse("2026-11-20T10:30:00Z");
    private static final Instant NON_ASCII_SNAPSHOT_TIME = Instant.parse("2026-11-20T11:30:00Z");

    private static ProtocolVectors vectors;
    private static InstanceIdentity identityA;

    private final Ed25519Verifier verifier = new Ed25519Verifier();
    private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
    private volatile CannedReply reply = new CannedReply(200, "{\"status\":\"ok\"}", Map.of());
    private HttpServer server;
    private HttpClient http;

    record RecordedRequest(String method, String path, Headers headers, byte[] body) {

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    record CannedReply(int status, String body, Map<String, String> headers) {
    }

    @BeforeAll
    static void loadVectors() {
        vectors = ProtocolVectors.load();
        Instance instanceA = vectors.instance("A");
        identityA = InstanceIdentity.fromSeed(instanceA.instanceId(), HexFormat.of().parseHex(instanceA.seedHex()));
    }

    @BeforeEach
    void startRecordingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::record);
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stopRecordingServer() {
        server.stop(0);
    }

    @Test
    void registerBodyIsTheBodyOfTheVectors() {
        byte[] body = clientOfA().registerBody("Ackify", "1.4.2", "docker", "production", "linux/amd64");

        assertEquals(vector("/v1/register").body(), utf8(body));
    }

    @Test
    void registerBodyLeavesOutMissingOptionalFields() {
        byte[] body = clientOfA().registerBody("Ackify", "1.4.2", null, null, null);

        assertEquals("{\"instance_id\":\"" + identityA.instanceId() + "\",\"public_key\":\"" + identityA.publicKeyHex()
                + "\",\"app_name\":\"Ackify\",\"app_version\":\"1.4.2\"}", utf8(body));
    }

    @Test
    void activateBodyAndSignatureAreThoseOfTheVectors() {
        ShmClient client = clientOfA();
        SignedBody expected = vector("/v1/activate");

        byte[] body = client.activateBody();

        assertEquals(expected.body(), utf8(body));
        assertEquals(expected.signatureHex(), client.signedHeaders(body).get(ShmClient.SIGNATURE_HEADER));
    }

    @Test
    void snapshotBodyAndSignatureAreThoseOfTheVectors() {
        ShmClient client = clientOfA();
        SignedBody expected = vectorWithTimestamp(ShmClient.timestamp(SNAPSHOT_TIME));
        JsonObject metrics = Json.createObjectBuilder()
                .add("documents_created", 123)
                .add("active_users", 42)
                .add("webhooks_sent", 9)
                .add("sys_os", "linux")
                .add("sys_arch", "x64")
                .add("sys_cpu_cores", 4)
                .add("app_mem_rss_mb", 87)
                .build();

        byte[] body = client.snapshotBody(SNAPSHOT_TIME, metrics);
        Map<String, String> headers = client.signedHeaders(body);

        assertEquals(expected.body(), utf8(body));
        assertEquals(expected.signatureHex(), headers.get(ShmClient.SIGNATURE_HEADER));
        assertEquals(identityA.instanceId().toString(), headers.get(ShmClient.INSTANCE_ID_HEADER));
        assertEquals("application/json", headers.get("Content-Type"));
    }

    @Test
    void nonAsciiMetricsAreSentAsUtf8WithoutEscapes() {
        // Escaping "é" as \u00e9 would be valid JSON too, but other bytes than the Node SDK's.
        SignedBody expected = vectorWithTimestamp(ShmClient.timestamp(NON_ASCII_SNAPSHOT_TIME));
        JsonObject metrics = Json.createObjectBuilder()
                .add("signatures_g\u00e9n\u00e9r\u00e9es", 7)
                .add("note", "\u00e9\u2713")
                .build();

        byte[] body = clientOfA().snapshotBody(NON_ASCII_SNAPSHOT_TIME, metrics);

        assertArrayEquals(expected.bodyBytes(), body);
        assertEquals(expected.signatureHex(), identityA.sign(body));
    }

    @Test
    void timestampHasMillisecondsAndZ() {
        assertEquals("2026-11-20T10:30:00.000Z", ShmClient.timestamp(Instant.parse("2026-11-20T10:30:00Z")));
        assertEquals("2026-11-20T10:30:00.123Z", ShmClient.timestamp(Instant.parse("2026-11-20T10:30:00.123987Z")));
        assertEquals("1999-12-31T23:59:59.999Z", ShmClient.timestamp(Instant.parse("1999-12-31T23:59:59.999999999Z")));
    }

    @Test
    void snapshotArrivesSignedOverTheExactBytesSent() throws Exception {
        JsonObject metrics = Json.createObjectBuilder()
                .add("active_users", 3)
                .add("ratio", 0.25)
                .add("nested", Json.createObjectBuilder().add("list", Json.createArrayBuilder().add(1).add("two")))
                .addNull("nothing")
                .build();
        VerificationKey serverSideKey = PublicKeys.parseVerificationKey(identityA.publicKeyHex()).orElseThrow();
        reply = new CannedReply(202, "{\"status\":\"ok\",\"message\":\"Snapshot received\"}", Map.of());

        ShmResponse response = clientOfA().snapshot(SNAPSHOT_TIME, metrics);

        RecordedRequest request = onlyRequest();
        assertEquals(202, response.status());
        assertEquals("POST", request.method());
        assertEquals("/v1/snapshot", request.path());
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals(identityA.instanceId().toString(), request.header(ShmClient.INSTANCE_ID_HEADER));
        assertTrue(verifier.verify(serverSideKey, request.header(ShmClient.SIGNATURE_HEADER), request.body()));
        JsonObject sent = Json.createReader(new ByteArrayInputStream(request.body())).readObject();
        assertEquals(identityA.instanceId().toString(), sent.getString("instance_id"));
        assertEquals("2026-11-20T10:30:00.000Z", sent.getString("timestamp"));
        assertEquals(metrics, sent.getJsonObject("metrics"));
    }

    @Test
    void activateArrivesSignedWithTheNodeSdkBody() throws Exception {
        SignedBody expected = vector("/v1/activate");

        clientOfA().activate();

        RecordedRequest request = onlyRequest();
        assertEquals("/v1/activate", request.path());
        assertEquals(expected.body(), utf8(request.body()));
        assertEquals(expected.signatureHex(), request.header(ShmClient.SIGNATURE_HEADER));
        assertEquals(expected.instanceId().toString(), request.header(ShmClient.INSTANCE_ID_HEADER));
    }

    @Test
    void registerArrivesUnsigned() throws Exception {
        reply = new CannedReply(201, "{\"status\":\"registered\"}", Map.of());

        ShmResponse response = clientOfA().register("Ackify", "1.4.2", "docker", "production", "linux/amd64");

        RecordedRequest request = onlyRequest();
        assertEquals(201, response.status());
        assertEquals("/v1/register", request.path());
        assertEquals(vector("/v1/register").body(), utf8(request.body()));
        assertEquals("application/json", request.header("Content-Type"));
        assertNull(request.header(ShmClient.SIGNATURE_HEADER));
        assertNull(request.header(ShmClient.INSTANCE_ID_HEADER));
    }

    @Test
    void errorStatusIsReturnedWithItsBodyAndHeaders() throws Exception {
        String problem = "{\"title\":\"Too Many Requests\",\"status\":429}";
        reply = new CannedReply(429, problem, Map.of("Retry-After", "30", "Content-Type", "application/problem+json"));

        ShmResponse response = clientOfA().snapshot(SNAPSHOT_TIME, JsonObject.EMPTY_JSON_OBJECT);

        assertEquals(429, response.status());
        assertFalse(response.isSuccess());
        assertEquals(problem, response.body());
        assertEquals(Optional.of("30"), response.header("retry-after"));
        assertEquals(Optional.of("30"), response.header("Retry-After"));
        assertEquals(Optional.empty(), response.header("X-RateLimit-Limit"));
    }

    @Test
    void handMadeRequestIsSentAsGiven() throws Exception {
        byte[] body = "{ \"not\": \"what was signed\" }".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of(
                "Content-Type", "text/plain",
                ShmClient.INSTANCE_ID_HEADER, "not-a-uuid",
                ShmClient.SIGNATURE_HEADER, "zz");

        clientOfA().send("/v1/snapshot?x=1", body, headers);

        RecordedRequest request = onlyRequest();
        assertEquals("/v1/snapshot?x=1", request.path());
        assertArrayEquals(body, request.body());
        assertEquals("text/plain", request.header("Content-Type"));
        assertEquals("not-a-uuid", request.header(ShmClient.INSTANCE_ID_HEADER));
        assertEquals("zz", request.header(ShmClient.SIGNATURE_HEADER));
    }

    @Test
    void requestsGoBelowTheContextPathOfTheBaseUri() throws Exception {
        ShmClient client = new ShmClient(URI.create(serverUri() + "/shm/"), identityA, http);

        client.activate();
        client.get("/api/v1/healthcheck");

        assertEquals(List.of("/shm/v1/activate", "/shm/api/v1/healthcheck"),
                received.stream().map(RecordedRequest::path).toList());
        assertEquals("GET", received.get(1).method());
    }

    private ShmClient clientOfA() {
        return new ShmClient(URI.create(serverUri()), identityA, http);
    }

    private String serverUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private RecordedRequest onlyRequest() {
        assertEquals(1, received.size(), "requests received");
        return received.get(0);
    }

    private static SignedBody vector(String path) {
        return vectors.valid().stream()
                .filter(v -> path.equals(v.path()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no valid vector for " + path));
    }

    private static SignedBody vectorWithTimestamp(String timestamp) {
        return vectors.valid().stream()
                .filter(v -> "/v1/snapshot".equals(v.path()))
                .filter(v -> Json.createReader(new StringReader(v.body())).readObject()
                        .getString("timestamp").equals(timestamp))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no snapshot vector at " + timestamp));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void record(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            received.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), in.readAllBytes()));
            CannedReply canned = reply;
            canned.headers().forEach(exchange.getResponseHeaders()::add);
            byte[] answer = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(canned.status(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
