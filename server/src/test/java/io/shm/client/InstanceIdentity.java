package io.shm.client;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Who an instance is to the server: a random {@code instance_id} and an Ed25519 key pair, made
 * once and kept in an identity file. The file has the Node SDK's format, so an identity moves
 * between the SDKs: {@code {"instanceId","privateKey","publicKey"}}, where {@code privateKey} is
 * the 32-byte seed followed by the 32-byte public key, in hex.
 */
public final class InstanceIdentity {

    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UUID instanceId;
    private final byte[] seed;
    private final byte[] publicKey;

    private InstanceIdentity(UUID instanceId, byte[] seed, byte[] publicKey) {
        this.instanceId = instanceId;
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** A new instance: random UUID (version 4) and a key pair from a fresh random seed. */
    public static InstanceIdentity generate() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        RANDOM.nextBytes(seed);
        return fromSeed(UUID.randomUUID(), seed);
    }

    public static InstanceIdentity fromSeed(UUID instanceId, byte[] seed) {
        Objects.requireNonNull(instanceId, "instanceId");
        if (seed == null || seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException("An Ed25519 seed is " + Ed25519.SECRET_KEY_SIZE + " bytes");
        }
        byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return new InstanceIdentity(instanceId, seed.clone(), publicKey);
    }

    /**
     * Reads an identity file as the Node SDK writes it.
     *
     * @throws IOException when the file cannot be read, is not such a file, or its public key does
     *                     not belong to its seed
     */
    public static InstanceIdentity load(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Writes the identity file in the Node SDK's format, readable by its owner only where the file
     * system allows it: it holds the private key. Replaces an existing file in one step, so a
     * crash cannot leave half an identity.
     */
    public void save(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            restrictToOwner(temporary);
            Files.writeString(temporary, toJson(), StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The identity file's content. */
    public String toJson() {
        JsonObject json = Json.createObjectBuilder()
                .add("instanceId", instanceId.toString())
                .add("privateKey", HEX.formatHex(seed) + HEX.formatHex(publicKey))
                .add("publicKey", HEX.formatHex(publicKey))
                .build();
        StringWriter out = new StringWriter();
        try (JsonWriter writer = Json.createWriter(out)) {
            writer.writeObject(json);
        }
        return out.toString();
    }

    /** @param source names the identity's origin in error messages */
    public static InstanceIdentity fromJson(String json, String source) throws IOException {
        JsonObject object;
        try (Reader in = new StringReader(json); JsonReader reader = Json.createReader(in)) {
            object = reader.readObject();
        } catch (JsonException e) {
            throw new IOException("Identity " + source + " is not a JSON object", e);
        }
        UUID instanceId = parseInstanceId(requiredString(object, "instanceId", source), source);
        byte[] privateKey = requiredHex(object, "privateKey", Ed25519.SECRET_KEY_SIZE + Ed25519.PUBLIC_KEY_SIZE, source);
        byte[] publicKey = requiredHex(object, "publicKey", Ed25519.PUBLIC_KEY_SIZE, source);

        InstanceIdentity identity = fromSeed(instanceId, Arrays.copyOf(privateKey, Ed25519.SECRET_KEY_SIZE));
        byte[] publicKeyInPrivateKey = Arrays.copyOfRange(privateKey, Ed25519.SECRET_KEY_SIZE, privateKey.length);
        if (!Arrays.equals(identity.publicKey, publicKey) || !Arrays.equals(identity.publicKey, publicKeyInPrivateKey)) {
            throw new IOException("Identity " + source + ": the public key does not belong to the private key");
        }
        return identity;
    }

    /** @return the signature of exactly these bytes, 128 lower-case hex characters */
    public String sign(byte[] body) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        // Passing the public key spares a scalar multiplication per signature.
        Ed25519.sign(seed, 0, publicKey, 0, body, 0, body.length, signature, 0);
        return HEX.formatHex(signature);
    }

    public UUID instanceId() {
        return instanceId;
    }

    public byte[] seed() {
        return seed.clone();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String publicKeyHex() {
        return HEX.formatHex(publicKey);
    }

    @Override
    public String toString() {
        // Never the seed: identities end up in test reports and logs.
        return "InstanceIdentity[" + instanceId + ", " + publicKeyHex() + "]";
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the user's profile directory is the protection there.
        }
    }

    private static String requiredString(JsonObject object, String key, String source) throws IOException {
        JsonValue value = object.get(key);
        if (!(value instanceof JsonString string)) {
            throw new IOException("Identity " + source + ": \"" + key + "\" is missing or not a string");
        }
        return string.getString();
    }

    private static UUID parseInstanceId(String text, String source) throws IOException {
        try {
            UUID instanceId = UUID.fromString(text);
            // UUID.fromString also takes short forms such as "1-2-3-4-5", which the server would refuse.
            if (instanceId.toString().equalsIgnoreCase(text)) {
                return instanceId;
            }
        } catch (IllegalArgumentException e) {
            // Reported below, like the short forms.
        }
        throw new IOException("Identity " + source + ": \"instanceId\" is not a UUID");
    }

    private static byte[] requiredHex(JsonObject object, String key, int byteCount, String source) throws IOException {
        String text = requiredString(object, key, source);
        if (text.length() != 2 * byteCount) {
            throw new IOException("Identity " + source + ": \"" + key + "\" is not " + 2 * byteCount + " hex characters");
        }
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("Identity " + source + ": \"" + key + "\" is not hex", e);
        }
    }
}
