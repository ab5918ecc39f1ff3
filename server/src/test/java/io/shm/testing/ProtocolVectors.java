package io.shm.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/**
 * The shared protocol vectors ({@code shared/protocol/vectors.json}), made by an independent
 * Ed25519 implementation, read at run time so that tests follow the file when it changes.
 * <p>
 * Found through the system property {@code shm.vectors} when set, otherwise beside the clone
 * ({@code shared/protocol/vectors.json} in a folder above the Maven module's base directory), otherwise
 * in the copy this repository keeps for a clone that stands alone
 * ({@code server/src/test/resources/protocol/vectors.json}).
 */
public final class ProtocolVectors {

    public record Rfc8032Vector(String secretHex, String publicKeyHex, byte[] message, String signatureHex) {
    }

    /** {@code sdkPrivateKey} is the Node SDK's {@code privateKey} (seed then public key), or null. */
    public record Instance(UUID instanceId, String seedHex, String publicKeyHex, String sdkPrivateKey) {
    }

    /**
     * A request body and what the server must answer. {@code signatureHex} is null when the
     * request carries no signature (unsigned, or a missing header); {@code expectedStatus} is 0
     * when the vector names none.
     */
    public record SignedBody(String what, String path, UUID instanceId, String body, String signatureHex,
                             int expectedStatus) {

        public byte[] bodyBytes() {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final String LOCATION_PROPERTY = "shm.vectors";

    private final JsonObject vectors;

    private ProtocolVectors(JsonObject vectors) {
        this.vectors = vectors;
    }

    public static ProtocolVectors load() {
        Path file = location();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Protocol vectors not found at " + file.toAbsolutePath()
                    + "; set the system property " + LOCATION_PROPERTY + " to their path");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader json = Json.createReader(reader)) {
            return new ProtocolVectors(json.readObject());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the protocol vectors at " + file, e);
        }
    }

    public static Path location() {
        String configured = System.getProperty(LOCATION_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        // A module's folder is one or two levels below the clone (server/, sdk/java/); shared/ is beside the clone.
        for (Path folder = module.getParent(); folder != null && module.getNameCount() - folder.getNameCount() <= 3;
             folder = folder.getParent()) {
            Path shared = folder.resolve("shared/protocol/vectors.json");
            if (Files.isRegularFile(shared)) {
                return shared;
            }
        }
        Path clone = Files.isDirectory(module.resolve("server")) ? module : module.getParent();
        return clone.resolve("server/src/test/resources/protocol/vectors.json");
    }

    public List<Rfc8032Vector> rfc8032() {
        return vectors.getJsonArray("rfc8032").getValuesAs(JsonObject.class).stream()
                .map(v -> new Rfc8032Vector(
                        v.getString("secret"),
                        v.getString("public"),
                        v.containsKey("message_hex")
                                ? HexFormat.of().parseHex(v.getString("message_hex"))
                                : v.getString("message").getBytes(StandardCharsets.UTF_8),
                        v.getString("signature")))
                .toList();
    }

    public Instance instance(String name) {
        JsonObject instance = vectors.getJsonObject("instances").getJsonObject(name);
        if (instance == null) {
            throw new IllegalArgumentException("No instance " + name + " in the vectors");
        }
        return toInstance(instance);
    }

    public List<Instance> instances() {
        return vectors.getJsonObject("instances").values().stream()
                .map(JsonValue::asJsonObject)
                .map(ProtocolVectors::toInstance)
                .toList();
    }

    public Instance instanceWithId(UUID instanceId) {
        return instances().stream()
                .filter(instance -> instance.instanceId().equals(instanceId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No instance " + instanceId + " in the vectors"));
    }

    public List<SignedBody> valid() {
        return signedBodies("valid");
    }

    public List<SignedBody> invalid() {
        return signedBodies("invalid");
    }

    private List<SignedBody> signedBodies(String group) {
        return vectors.getJsonArray(group).getValuesAs(JsonObject.class).stream()
                .map(v -> new SignedBody(
                        v.getString("what"),
                        v.getString("path", null),
                        v.containsKey("instance_id") ? UUID.fromString(v.getString("instance_id")) : null,
                        v.getString("body"),
                        stringOrNull(v, "signature"),
                        v.getInt("expect", 0)))
                .toList();
    }

    private static Instance toInstance(JsonObject instance) {
        return new Instance(
                UUID.fromString(instance.getString("instance_id")),
                instance.getString("seed"),
                instance.getString("public_key"),
                instance.getString("sdk_private_key", null));
    }

    private static String stringOrNull(JsonObject object, String key) {
        return object.containsKey(key) && !object.isNull(key) ? object.getString(key) : null;
    }
}
