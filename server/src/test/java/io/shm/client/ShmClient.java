package io.shm.client;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.spi.JsonProvider;

/**
 * Speaks the SHM protocol as the Node SDK does: same paths, same bodies in the same key order,
 * signatures over the exact bytes sent.
 * <p>
 * HTTP error statuses are answers, not failures: every request returns a {@link ShmResponse}, and
 * only a transport problem (or an interrupt) throws.
 */
public final class ShmClient {

    public static final String INSTANCE_ID_HEADER = "X-Instance-ID";
    public static final String SIGNATURE_HEADER = "X-Signature";

    /** Node's {@code Date.prototype.toISOString()}: milliseconds, always UTC, written {@code Z}. */
    private static final DateTimeFormatter NODE_ISO_INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Looked up once: every {@code Json.createXxx} call looks the provider up again, scanning the
     * class path with a ServiceLoader (jakartaee/jsonp-api#154), which a load generator cannot afford.
     */
    private static final JsonProvider JSON = JsonProvider.provider();

    private final String baseUri;
    private final InstanceIdentity identity;
    private final HttpClient http;

    /**
     * @param baseUri where the server is, with its context path if any ({@code http://localhost:8080/shm});
     *                request paths are appended to it
     */
    public ShmClient(URI baseUri, InstanceIdentity identity, HttpClient http) {
        String base = Objects.requireNonNull(baseUri, "baseUri").toString();
        this.baseUri = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.http = Objects.requireNonNull(http, "http");
    }

    public InstanceIdentity identity() {
        return identity;
    }

    /** {@code POST /v1/register}, unsigned. Null optional values are left out of the body. */
    public ShmResponse register(String appName, String appVersion, String deploymentMode, String environment,
                                String osArch) throws IOException, InterruptedException {
        return send("/v1/register", registerBody(appName, appVersion, deploymentMode, environment, osArch), jsonHeaders());
    }

    /** {@code POST /v1/activate}, signed. */
    public ShmResponse activate() throws IOException, InterruptedException {
        return sendSigned("/v1/activate", activateBody());
    }

    /** {@code POST /v1/snapshot}, signed; the timestamp is sent to the millisecond. */
    public ShmResponse snapshot(Instant timestamp, JsonObject metrics) throws IOException, InterruptedException {
        return sendSigned("/v1/snapshot", snapshotBody(timestamp, metrics));
    }

    /** Signs exactly {@code body} with this client's identity and posts it. */
    public ShmResponse sendSigned(String path, byte[] body) throws IOException, InterruptedException {
        return send(path, body, signedHeaders(body));
    }

    /**
     * Posts {@code body} as given, with only the given headers: for hand-made and hostile requests.
     * {@link HttpClient} refuses to set a few headers itself ({@code Content-Length}, {@code Host},
     * {@code Connection}, {@code Expect}, {@code Upgrade}).
     */
    public ShmResponse send(String path, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return exchange(request.build());
    }

    /** {@code GET}, for the health check and the badges. */
    public ShmResponse get(String path) throws IOException, InterruptedException {
        return exchange(request(path).GET().build());
    }

    public byte[] registerBody(String appName, String appVersion, String deploymentMode, String environment,
                               String osArch) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("instance_id", identity.instanceId().toString())
                .add("public_key", identity.publicKeyHex());
        addUnlessNull(body, "app_name", appName);
        addUnlessNull(body, "app_version", appVersion);
        addUnlessNull(body, "deployment_mode", deploymentMode);
        addUnlessNull(body, "environment", environment);
        addUnlessNull(body, "os_arch", osArch);
        return toBytes(body.build());
    }

    public byte[] activateBody() {
        return toBytes(JSON.createObjectBuilder().add("action", "activate").build());
    }

    public byte[] snapshotBody(Instant timestamp, JsonObject metrics) {
        return toBytes(JSON.createObjectBuilder()
                .add("instance_id", identity.instanceId().toString())
                .add("timestamp", NODE_ISO_INSTANT.format(timestamp))
                .add("metrics", metrics)
                .build());
    }

    /** The headers of a signed request whose body is exactly {@code body}; a fresh, modifiable map. */
    public Map<String, String> signedHeaders(byte[] body) {
        Map<String, String> headers = jsonHeaders();
        headers.put(INSTANCE_ID_HEADER, identity.instanceId().toString());
        headers.put(SIGNATURE_HEADER, identity.sign(body));
        return headers;
    }

    /** A fresh, modifiable map. */
    public static Map<String, String> jsonHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        return headers;
    }

    public static String timestamp(Instant instant) {
        return NODE_ISO_INSTANT.format(instant);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUri + path)).timeout(REQUEST_TIMEOUT);
    }

    private ShmResponse exchange(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new ShmResponse(response.statusCode(), response.body(), response.headers().map());
    }

    private static void addUnlessNull(JsonObjectBuilder body, String key, String value) {
        if (value != null) {
            body.add(key, value);
        }
    }

    private static byte[] toBytes(JsonObject json) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = JSON.createWriter(out)) {
            writer.writeObject(json);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
